CREATE TABLE "credential_personal_data" (
	"credential_id" uuid PRIMARY KEY NOT NULL,
	"wrapped_key" "bytea" NOT NULL,
	"sealed" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"issuer_kid" text NOT NULL,
	"jws_hash" "bytea" NOT NULL,
	"leaf_index" bigint NOT NULL,
	"rid" text NOT NULL,
	"nbf" bigint NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"revoked_at" timestamp with time zone,
	"revocation_reason" text,
	"revocation_leaf_index" bigint,
	"replaces" uuid,
	"replaced_by" uuid,
	"import_key" "bytea",
	"issued_by" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credentials_jws_hash_unique" UNIQUE("jws_hash"),
	CONSTRAINT "credentials_import_key_unique" UNIQUE("import_key")
);
--> statement-breakpoint
CREATE TABLE "crl_state" (
	"kid" text PRIMARY KEY NOT NULL,
	"ctr" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "facts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "facts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"day" date NOT NULL,
	"region" text NOT NULL,
	"kind" text NOT NULL,
	"product" text NOT NULL,
	"dose" smallint,
	"age_band" text NOT NULL,
	"result" text
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"roles" text[] NOT NULL,
	"secret_hash" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "credentials_issuer_kid_status" ON "credentials" USING btree ("issuer_kid","status");--> statement-breakpoint
CREATE INDEX "facts_day_kind" ON "facts" USING btree ("day","kind");