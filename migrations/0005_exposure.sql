CREATE TABLE "exposure_codes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"short_hash" "bytea" NOT NULL,
	"long_hash" "bytea" NOT NULL,
	"test_type" text NOT NULL,
	"symptom_onset_interval" integer,
	"expires_at" timestamp with time zone NOT NULL,
	"long_expires_at" timestamp with time zone NOT NULL,
	"used_hour" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"issued_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exposure_codes_short_hash_unique" UNIQUE("short_hash"),
	CONSTRAINT "exposure_codes_long_hash_unique" UNIQUE("long_hash")
);
--> statement-breakpoint
CREATE TABLE "exposure_exports" (
	"path" text PRIMARY KEY NOT NULL,
	"batch_start" timestamp with time zone NOT NULL,
	"batch_end" timestamp with time zone NOT NULL,
	"key_count" integer NOT NULL,
	"zip" "bytea" NOT NULL,
	"sha256" "bytea" NOT NULL,
	"leaf_index" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exposure_keys" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "exposure_keys_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"key_data" "bytea" NOT NULL,
	"transmission_risk" smallint NOT NULL,
	"rolling_start" integer NOT NULL,
	"rolling_period" smallint NOT NULL,
	"report_type" smallint NOT NULL,
	"days_since_onset" smallint,
	"health_authority" text NOT NULL,
	"traveler" boolean DEFAULT false NOT NULL,
	"available_hour" timestamp with time zone NOT NULL,
	"revised_report_type" smallint,
	"revised_hour" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "exposure_signing_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"public_spki" "bytea" NOT NULL,
	"sealed_private_key" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exposure_tokens" (
	"token_hash" "bytea" PRIMARY KEY NOT NULL,
	"test_type" text NOT NULL,
	"symptom_onset_interval" integer,
	"expires_at" timestamp with time zone NOT NULL,
	"used" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "exposure_keys_key_data" ON "exposure_keys" USING btree ("key_data");--> statement-breakpoint
CREATE INDEX "exposure_keys_available" ON "exposure_keys" USING btree ("available_hour");