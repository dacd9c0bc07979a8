CREATE TABLE "directory_lexeme" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "directory_search_doc" (
	"service_id" text NOT NULL,
	"lang" text NOT NULL,
	"is_original" boolean NOT NULL,
	"name_norm" text NOT NULL,
	"document" "tsvector" NOT NULL,
	CONSTRAINT "directory_search_doc_service_id_lang_pk" PRIMARY KEY("service_id","lang")
);
--> statement-breakpoint
CREATE TABLE "directory_translation" (
	"table_name" text NOT NULL,
	"record_id" text NOT NULL,
	"field" text NOT NULL,
	"lang" text NOT NULL,
	"value" text NOT NULL,
	"origin" text NOT NULL,
	"reviewed" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "directory_translation_table_name_record_id_field_lang_pk" PRIMARY KEY("table_name","record_id","field","lang")
);
--> statement-breakpoint
CREATE TABLE "hsds_accessibility" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text,
	"description" text,
	"details" text,
	"url" text
);
--> statement-breakpoint
CREATE TABLE "hsds_address" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text,
	"attention" text,
	"address_1" text,
	"address_2" text,
	"city" text,
	"region" text,
	"state_province" text,
	"postal_code" text,
	"country" text,
	"address_type" text
);
--> statement-breakpoint
CREATE TABLE "hsds_attribute" (
	"id" text PRIMARY KEY NOT NULL,
	"link_id" text,
	"taxonomy_term_id" text,
	"link_type" text,
	"link_entity" text,
	"value" text,
	"verified_by" text,
	"verified_at" date
);
--> statement-breakpoint
CREATE TABLE "hsds_contact" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text,
	"service_id" text,
	"service_at_location_id" text,
	"location_id" text,
	"name" text,
	"title" text,
	"department" text,
	"email" text
);
--> statement-breakpoint
CREATE TABLE "hsds_cost_option" (
	"id" text PRIMARY KEY NOT NULL,
	"service_id" text,
	"valid_from" date,
	"valid_to" date,
	"option" text,
	"currency" text,
	"amount" double precision,
	"amount_description" text
);
--> statement-breakpoint
CREATE TABLE "hsds_funding" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text,
	"service_id" text,
	"source" text
);
--> statement-breakpoint
CREATE TABLE "hsds_language" (
	"id" text PRIMARY KEY NOT NULL,
	"service_id" text,
	"location_id" text,
	"phone_id" text,
	"name" text,
	"code" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "hsds_location" (
	"id" text PRIMARY KEY NOT NULL,
	"location_type" text,
	"url" text,
	"organization_id" text,
	"name" text,
	"alternate_name" text,
	"description" text,
	"transportation" text,
	"latitude" double precision,
	"longitude" double precision,
	"external_identifier" text,
	"external_identifier_type" text,
	"content_lang" text DEFAULT 'en' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hsds_meta_table_description" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"language" text,
	"character_set" text
);
--> statement-breakpoint
CREATE TABLE "hsds_metadata" (
	"id" text PRIMARY KEY NOT NULL,
	"resource_id" text,
	"resource_type" text,
	"last_action_date" date,
	"last_action_type" text,
	"field_name" text,
	"previous_value" text,
	"replacement_value" text,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "hsds_organization" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"alternate_name" text,
	"description" text,
	"email" text,
	"website" text,
	"tax_status" text,
	"tax_id" text,
	"year_incorporated" double precision,
	"legal_status" text,
	"logo" text,
	"uri" text,
	"parent_organization_id" text,
	"content_lang" text DEFAULT 'en' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hsds_organization_identifier" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text,
	"identifier_scheme" text,
	"identifier_type" text,
	"identifier" text
);
--> statement-breakpoint
CREATE TABLE "hsds_phone" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text,
	"service_id" text,
	"organization_id" text,
	"contact_id" text,
	"service_at_location_id" text,
	"number" text,
	"extension" double precision,
	"type" text,
	"description" text
);
--> statement-breakpoint
CREATE TABLE "hsds_program" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text,
	"name" text,
	"alternate_name" text,
	"description" text,
	"content_lang" text DEFAULT 'en' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hsds_required_document" (
	"id" text PRIMARY KEY NOT NULL,
	"service_id" text,
	"document" text,
	"uri" text
);
--> statement-breakpoint
CREATE TABLE "hsds_schedule" (
	"id" text PRIMARY KEY NOT NULL,
	"service_id" text,
	"location_id" text,
	"service_at_location_id" text,
	"valid_from" date,
	"valid_to" date,
	"dtstart" date,
	"timezone" double precision,
	"until" date,
	"count" double precision,
	"wkst" text,
	"freq" text,
	"interval" double precision,
	"byday" text,
	"byweekno" text,
	"bymonthday" text,
	"byyearday" text,
	"description" text,
	"opens_at" text,
	"closes_at" text,
	"schedule_link" text,
	"attending_type" text,
	"notes" text
);
--> statement-breakpoint
CREATE TABLE "hsds_service" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text,
	"program_id" text,
	"name" text,
	"alternate_name" text,
	"description" text,
	"url" text,
	"email" text,
	"status" text,
	"interpretation_services" text,
	"application_process" text,
	"fees_description" text,
	"wait_time" text,
	"fees" text,
	"accreditations" text,
	"eligibility_description" text,
	"minimum_age" double precision,
	"maximum_age" double precision,
	"assured_date" date,
	"assurer_email" text,
	"licenses" text,
	"alert" text,
	"last_modified" timestamp with time zone,
	"content_lang" text DEFAULT 'en' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hsds_service_area" (
	"id" text PRIMARY KEY NOT NULL,
	"service_id" text,
	"name" text,
	"description" text,
	"extent" text,
	"extent_type" text,
	"uri" text
);
--> statement-breakpoint
CREATE TABLE "hsds_service_at_location" (
	"id" text PRIMARY KEY NOT NULL,
	"service_id" text,
	"location_id" text,
	"description" text
);
--> statement-breakpoint
CREATE TABLE "hsds_taxonomy" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"description" text,
	"uri" text,
	"version" text,
	"content_lang" text DEFAULT 'en' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hsds_taxonomy_term" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text,
	"name" text,
	"description" text,
	"parent_id" text,
	"taxonomy" text,
	"language" text,
	"taxonomy_id" text,
	"term_uri" text,
	"content_lang" text DEFAULT 'en' NOT NULL
);
--> statement-breakpoint
CREATE INDEX "directory_lexeme_word_trgm_idx" ON "directory_lexeme" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "directory_search_doc_document_idx" ON "directory_search_doc" USING gin ("document");--> statement-breakpoint
CREATE INDEX "directory_search_doc_name_trgm_idx" ON "directory_search_doc" USING gin ("name_norm" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "directory_translation_record_idx" ON "directory_translation" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "hsds_accessibility_location_id_idx" ON "hsds_accessibility" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "hsds_address_location_id_idx" ON "hsds_address" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "hsds_attribute_taxonomy_term_id_idx" ON "hsds_attribute" USING btree ("taxonomy_term_id");--> statement-breakpoint
CREATE INDEX "hsds_attribute_link_id_idx" ON "hsds_attribute" USING btree ("link_id");--> statement-breakpoint
CREATE INDEX "hsds_contact_location_id_idx" ON "hsds_contact" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "hsds_contact_organization_id_idx" ON "hsds_contact" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "hsds_contact_service_id_idx" ON "hsds_contact" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "hsds_contact_service_at_location_id_idx" ON "hsds_contact" USING btree ("service_at_location_id");--> statement-breakpoint
CREATE INDEX "hsds_cost_option_service_id_idx" ON "hsds_cost_option" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "hsds_funding_organization_id_idx" ON "hsds_funding" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "hsds_funding_service_id_idx" ON "hsds_funding" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "hsds_language_location_id_idx" ON "hsds_language" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "hsds_language_phone_id_idx" ON "hsds_language" USING btree ("phone_id");--> statement-breakpoint
CREATE INDEX "hsds_language_service_id_idx" ON "hsds_language" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "hsds_location_organization_id_idx" ON "hsds_location" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "hsds_organization_identifier_organization_id_idx" ON "hsds_organization_identifier" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "hsds_phone_contact_id_idx" ON "hsds_phone" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "hsds_phone_location_id_idx" ON "hsds_phone" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "hsds_phone_organization_id_idx" ON "hsds_phone" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "hsds_phone_service_id_idx" ON "hsds_phone" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "hsds_phone_service_at_location_id_idx" ON "hsds_phone" USING btree ("service_at_location_id");--> statement-breakpoint
CREATE INDEX "hsds_program_organization_id_idx" ON "hsds_program" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "hsds_required_document_service_id_idx" ON "hsds_required_document" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "hsds_schedule_location_id_idx" ON "hsds_schedule" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "hsds_schedule_service_id_idx" ON "hsds_schedule" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "hsds_schedule_service_at_location_id_idx" ON "hsds_schedule" USING btree ("service_at_location_id");--> statement-breakpoint
CREATE INDEX "hsds_service_organization_id_idx" ON "hsds_service" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "hsds_service_program_id_idx" ON "hsds_service" USING btree ("program_id");--> statement-breakpoint
CREATE INDEX "hsds_service_last_modified_idx" ON "hsds_service" USING btree ("last_modified");--> statement-breakpoint
CREATE INDEX "hsds_service_area_service_id_idx" ON "hsds_service_area" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "hsds_service_at_location_service_id_idx" ON "hsds_service_at_location" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "hsds_service_at_location_location_id_idx" ON "hsds_service_at_location" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "hsds_taxonomy_term_taxonomy_id_idx" ON "hsds_taxonomy_term" USING btree ("taxonomy_id");