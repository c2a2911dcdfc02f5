-- Log shards (docs/LEDGER.md "Shards"). Storage per shard: the active shard keeps the log_* tables
-- of the default schema, so the append path and every query stay unchanged and pay nothing;
-- `vigil log rotate` moves a frozen shard's tables into the schema log_shard_<id> (no rows
-- copied) and reads them there with search_path. A shard id column on every log table would have
-- put a key column on the hottest statements and their indexes for a change made once a year.
CREATE TABLE "log_shards" (
	"id" smallint PRIMARY KEY NOT NULL,
	"origin" text NOT NULL,
	"key_id" text NOT NULL,
	"state" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone,
	"final_size" bigint,
	"final_note" text,
	CONSTRAINT "log_shards_state" CHECK ("log_shards"."state" in ('active', 'frozen')),
	CONSTRAINT "log_shards_final" CHECK (("log_shards"."state" = 'active') = ("log_shards"."final_size" is null and "log_shards"."final_note" is null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "log_shards_origin" ON "log_shards" USING btree ("origin");--> statement-breakpoint
CREATE UNIQUE INDEX "log_shards_one_active" ON "log_shards" USING btree ("state") WHERE "log_shards"."state" = 'active';