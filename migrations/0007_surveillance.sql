CREATE TABLE "dp_budget" (
	"actor" text NOT NULL,
	"day" date NOT NULL,
	"spent" double precision NOT NULL,
	CONSTRAINT "dp_budget_actor_day_pk" PRIMARY KEY("actor","day")
);
--> statement-breakpoint
CREATE TABLE "ledger_daily_totals" (
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "ledger_daily_totals_day_kind_pk" PRIMARY KEY("day","kind")
);
--> statement-breakpoint
CREATE TABLE "ledger_totals_state" (
	"id" smallint PRIMARY KEY NOT NULL,
	"next_index" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "public_release_cells" (
	"measure" text NOT NULL,
	"week" date NOT NULL,
	"region" text NOT NULL,
	"value" integer,
	CONSTRAINT "public_release_cells_measure_week_region_pk" PRIMARY KEY("measure","week","region")
);
--> statement-breakpoint
CREATE TABLE "public_releases" (
	"measure" text NOT NULL,
	"week" date NOT NULL,
	"epsilon" double precision NOT NULL,
	"threshold" integer NOT NULL,
	"suppressed" integer NOT NULL,
	"complementary" integer NOT NULL,
	"released_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "public_releases_measure_week_pk" PRIMARY KEY("measure","week")
);
--> statement-breakpoint
CREATE TABLE "region_population" (
	"region" text NOT NULL,
	"age_band" text NOT NULL,
	"population" integer NOT NULL,
	CONSTRAINT "region_population_region_age_band_pk" PRIMARY KEY("region","age_band")
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" smallint NOT NULL,
	"parent" text
);
--> statement-breakpoint
CREATE TABLE "surveillance_rollups" (
	"grain" text NOT NULL,
	"measure" text NOT NULL,
	"dim" text NOT NULL,
	"period" date NOT NULL,
	"region" text NOT NULL,
	"value" text NOT NULL,
	"n" bigint NOT NULL,
	CONSTRAINT "surveillance_rollups_grain_measure_dim_period_region_value_pk" PRIMARY KEY("grain","measure","dim","period","region","value")
);
--> statement-breakpoint
ALTER TABLE "facts" ALTER COLUMN "region" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "facts" ALTER COLUMN "age_band" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "facts" ADD COLUMN "test_type" text;--> statement-breakpoint
ALTER TABLE "facts" ADD COLUMN "report_type" text;--> statement-breakpoint
ALTER TABLE "facts" ADD COLUMN "series_complete" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "exposure_codes" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "exposure_tokens" ADD COLUMN "region" text;