CREATE TABLE "dcc_trust_snapshots" (
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"format" text NOT NULL,
	"source" text NOT NULL,
	"content" "bytea" NOT NULL,
	"sha256" "bytea" NOT NULL,
	"signers" jsonb NOT NULL,
	"revocations" jsonb,
	"problems" jsonb NOT NULL,
	"max_age" integer NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"pending_id" bigint,
	"leaf_index" bigint,
	CONSTRAINT "dcc_trust_snapshots_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
CREATE INDEX "dcc_trust_snapshots_sha" ON "dcc_trust_snapshots" USING btree ("sha256");