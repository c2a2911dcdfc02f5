CREATE TABLE "web_releases" (
	"release" integer PRIMARY KEY NOT NULL,
	"sha256" "bytea" NOT NULL,
	"text" text NOT NULL,
	"version" text NOT NULL,
	"commit" text NOT NULL,
	"published_by" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"pending_id" bigint,
	"leaf_index" bigint,
	CONSTRAINT "web_releases_sha256_unique" UNIQUE("sha256")
);
