CREATE TABLE "deployment" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"public_url" text NOT NULL,
	"log_origin" text NOT NULL,
	"issuer_url" text NOT NULL,
	"former_issuer_urls" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployment_one_row" CHECK ("deployment"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "keys" ADD COLUMN "announced_pending_id" bigint;--> statement-breakpoint
-- Processes that raced on an empty database could each create an active key: keep the oldest
-- active key of each purpose and retire the others (they stay published, so what they signed
-- still verifies).
UPDATE "keys" SET "status" = 'retired', "retired_at" = now() WHERE "status" = 'active' AND "id" NOT IN (SELECT DISTINCT ON ("purpose") "id" FROM "keys" WHERE "status" = 'active' ORDER BY "purpose", "created_at", "id");
--> statement-breakpoint
CREATE UNIQUE INDEX "keys_one_active" ON "keys" USING btree ("purpose") WHERE "keys"."status" = 'active';