CREATE TABLE "trusted_issuers" (
	"iss" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"jwks" jsonb NOT NULL,
	"crls" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"added_by" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
