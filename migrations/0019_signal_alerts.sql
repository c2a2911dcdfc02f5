CREATE TABLE "signal_alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"measure" text NOT NULL,
	"method" text NOT NULL,
	"region" text NOT NULL,
	"week" date NOT NULL,
	"observed" integer NOT NULL,
	"expected" double precision,
	"upper_bound" double precision,
	"p_value" double precision,
	"score" double precision,
	"alpha" double precision,
	"cusum_h" double precision,
	"state" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"reviewed_at" timestamp with time zone,
	"reviewer_id" text,
	"reviewer_name" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "signal_exclusions" (
	"id" text PRIMARY KEY NOT NULL,
	"region" text NOT NULL,
	"measure" text,
	"from_week" date NOT NULL,
	"to_week" date NOT NULL,
	"label" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signal_thresholds" (
	"region" text NOT NULL,
	"measure" text NOT NULL,
	"alpha" double precision,
	"cusum_h" double precision,
	"min_cases" integer,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "signal_thresholds_region_measure_pk" PRIMARY KEY("region","measure")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "signal_alerts_key" ON "signal_alerts" USING btree ("measure","method","region","week");--> statement-breakpoint
CREATE INDEX "signal_alerts_state" ON "signal_alerts" USING btree ("state","week");