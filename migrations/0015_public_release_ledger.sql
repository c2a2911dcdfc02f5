ALTER TABLE "public_releases" ADD COLUMN "sha256" "bytea";--> statement-breakpoint
ALTER TABLE "public_releases" ADD COLUMN "pending_id" bigint;--> statement-breakpoint
ALTER TABLE "public_releases" ADD COLUMN "leaf_index" bigint;