CREATE TABLE "region_boundaries" (
	"region" text PRIMARY KEY NOT NULL,
	"feature" text NOT NULL,
	"geometry" jsonb NOT NULL,
	"vertices" integer NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
