DROP INDEX "credentials_issued_at_id";--> statement-breakpoint
ALTER TABLE "credentials" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
-- Rows erased before the column: issuing always writes the sealed record with the row, so a row
-- without one was erased; its time comes from the audit trail (credential.erase), else now().
UPDATE "credentials" SET "erased_at" = now() WHERE NOT EXISTS (SELECT 1 FROM "credential_personal_data" p WHERE p."credential_id" = "credentials"."id");--> statement-breakpoint
UPDATE "credentials" c SET "erased_at" = e."at" FROM (SELECT "target_id", max("at") AS "at" FROM "audit_events" WHERE "action" = 'credential.erase' GROUP BY "target_id") e WHERE c."erased_at" IS NOT NULL AND e."target_id" = c."id"::text;--> statement-breakpoint
CREATE INDEX "credentials_valid_issued_at_id" ON "credentials" USING btree ("issued_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "credentials"."status" = 'active';--> statement-breakpoint
CREATE INDEX "credentials_revoked_issued_at_id" ON "credentials" USING btree ("issued_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "credentials"."status" <> 'active' and "credentials"."replaced_by" is null;--> statement-breakpoint
CREATE INDEX "credentials_superseded_issued_at_id" ON "credentials" USING btree ("issued_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "credentials"."replaced_by" is not null;--> statement-breakpoint
CREATE INDEX "credentials_erased_issued_at_id" ON "credentials" USING btree ("issued_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "credentials"."erased_at" is not null;--> statement-breakpoint
CREATE INDEX "credentials_issued_at_id" ON "credentials" USING btree ("issued_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);