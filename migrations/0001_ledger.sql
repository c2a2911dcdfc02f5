CREATE TABLE "log_bundles" (
	"idx" bigint PRIMARY KEY NOT NULL,
	"width" smallint NOT NULL,
	"data" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_checkpoints" (
	"size" bigint PRIMARY KEY NOT NULL,
	"note" text NOT NULL,
	"note_hash" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_entries" (
	"idx" bigint PRIMARY KEY NOT NULL,
	"pending_id" bigint NOT NULL,
	"leaf_hash" "bytea" NOT NULL,
	"entry" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_pending" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "log_pending_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"entry" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_state" (
	"id" smallint PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"compact_range" "bytea" NOT NULL,
	"checkpoint_size" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_tiles" (
	"level" smallint NOT NULL,
	"idx" bigint NOT NULL,
	"width" smallint NOT NULL,
	"hashes" "bytea" NOT NULL,
	CONSTRAINT "log_tiles_level_idx_pk" PRIMARY KEY("level","idx")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "log_entries_pending_id" ON "log_entries" USING btree ("pending_id");--> statement-breakpoint
CREATE INDEX "log_entries_leaf_hash" ON "log_entries" USING btree ("leaf_hash");