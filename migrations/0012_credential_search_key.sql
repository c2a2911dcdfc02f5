ALTER TABLE "credential_personal_data" ADD COLUMN "search_key" "bytea";--> statement-breakpoint
CREATE INDEX "credential_personal_data_search_key" ON "credential_personal_data" USING btree ("search_key");--> statement-breakpoint
CREATE INDEX "credentials_issued_at_id" ON "credentials" USING btree ("issued_at" DESC NULLS LAST,"id" DESC NULLS LAST);