CREATE TABLE "shl_access" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "shl_access_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"link_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"recipient" text NOT NULL,
	"outcome" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shl_files" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "shl_files_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"link_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"content_type" text NOT NULL,
	"credential_id" uuid,
	"jwe" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shl_links" (
	"id" uuid PRIMARY KEY NOT NULL,
	"url_hash" "bytea" NOT NULL,
	"owner_id" uuid NOT NULL,
	"flag" text NOT NULL,
	"label" text,
	"expires_at" timestamp with time zone,
	"passcode_hash" text,
	"attempts_left" integer,
	"active" boolean DEFAULT true NOT NULL,
	"deactivated_at" timestamp with time zone,
	"selection" jsonb NOT NULL,
	"members" text NOT NULL,
	"key_sealed" "bytea",
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shl_links_url_hash_unique" UNIQUE("url_hash")
);
--> statement-breakpoint
CREATE TABLE "shl_tickets" (
	"token_hash" "bytea" PRIMARY KEY NOT NULL,
	"file_id" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "shl_access" ADD CONSTRAINT "shl_access_link_id_shl_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."shl_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shl_files" ADD CONSTRAINT "shl_files_link_id_shl_links_id_fk" FOREIGN KEY ("link_id") REFERENCES "public"."shl_links"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shl_files" ADD CONSTRAINT "shl_files_credential_id_credential_personal_data_credential_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."credential_personal_data"("credential_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shl_links" ADD CONSTRAINT "shl_links_owner_id_credential_personal_data_credential_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."credential_personal_data"("credential_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shl_tickets" ADD CONSTRAINT "shl_tickets_file_id_shl_files_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."shl_files"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shl_access_link" ON "shl_access" USING btree ("link_id","id");--> statement-breakpoint
CREATE INDEX "shl_files_link" ON "shl_files" USING btree ("link_id","position");--> statement-breakpoint
CREATE INDEX "shl_files_credential" ON "shl_files" USING btree ("credential_id");--> statement-breakpoint
CREATE INDEX "shl_links_owner" ON "shl_links" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "shl_tickets_expires" ON "shl_tickets" USING btree ("expires_at");