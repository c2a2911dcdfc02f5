CREATE TABLE "issuer_directory" (
	"iss" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"website" text,
	"canonical_iss" text,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_set_releases" (
	"release" integer PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"sha256" "bytea" NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"pending_id" bigint,
	"leaf_index" bigint
);
