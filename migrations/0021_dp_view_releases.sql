CREATE TABLE "dp_view_releases" (
	"key" text PRIMARY KEY NOT NULL,
	"view" text NOT NULL,
	"mechanism" text NOT NULL,
	"epsilon" double precision NOT NULL,
	"charts" jsonb NOT NULL,
	"released_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "dp_view_releases_released_at" ON "dp_view_releases" USING btree ("released_at");--> statement-breakpoint
CREATE INDEX "dp_view_releases_view" ON "dp_view_releases" USING btree ("view","released_at");