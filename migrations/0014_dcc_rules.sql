CREATE TABLE "dcc_rule_sets" (
	"country" text NOT NULL,
	"release" integer NOT NULL,
	"text" text NOT NULL,
	"sha256" "bytea" NOT NULL,
	"rules" integer NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"pending_id" bigint,
	"leaf_index" bigint,
	CONSTRAINT "dcc_rule_sets_country_release_pk" PRIMARY KEY("country","release")
);
--> statement-breakpoint
CREATE TABLE "dcc_value_sets" (
	"release" integer PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"sha256" "bytea" NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"pending_id" bigint,
	"leaf_index" bigint
);
