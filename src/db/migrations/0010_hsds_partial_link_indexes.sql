-- The links of the HSDS tables (phone.service_id, schedule.location_id, …) are indexed where they are set: a row
-- links to one or two of the tables it may point to, and its null links were most of an import's index entries.
DROP INDEX "hsds_accessibility_location_id_idx";--> statement-breakpoint
DROP INDEX "hsds_address_location_id_idx";--> statement-breakpoint
DROP INDEX "hsds_attribute_taxonomy_term_id_idx";--> statement-breakpoint
DROP INDEX "hsds_attribute_link_id_idx";--> statement-breakpoint
DROP INDEX "hsds_contact_location_id_idx";--> statement-breakpoint
DROP INDEX "hsds_contact_organization_id_idx";--> statement-breakpoint
DROP INDEX "hsds_contact_service_id_idx";--> statement-breakpoint
DROP INDEX "hsds_contact_service_at_location_id_idx";--> statement-breakpoint
DROP INDEX "hsds_cost_option_service_id_idx";--> statement-breakpoint
DROP INDEX "hsds_funding_organization_id_idx";--> statement-breakpoint
DROP INDEX "hsds_funding_service_id_idx";--> statement-breakpoint
DROP INDEX "hsds_language_location_id_idx";--> statement-breakpoint
DROP INDEX "hsds_language_phone_id_idx";--> statement-breakpoint
DROP INDEX "hsds_language_service_id_idx";--> statement-breakpoint
DROP INDEX "hsds_location_organization_id_idx";--> statement-breakpoint
DROP INDEX "hsds_organization_identifier_organization_id_idx";--> statement-breakpoint
DROP INDEX "hsds_phone_contact_id_idx";--> statement-breakpoint
DROP INDEX "hsds_phone_location_id_idx";--> statement-breakpoint
DROP INDEX "hsds_phone_organization_id_idx";--> statement-breakpoint
DROP INDEX "hsds_phone_service_id_idx";--> statement-breakpoint
DROP INDEX "hsds_phone_service_at_location_id_idx";--> statement-breakpoint
DROP INDEX "hsds_program_organization_id_idx";--> statement-breakpoint
DROP INDEX "hsds_required_document_service_id_idx";--> statement-breakpoint
DROP INDEX "hsds_schedule_location_id_idx";--> statement-breakpoint
DROP INDEX "hsds_schedule_service_id_idx";--> statement-breakpoint
DROP INDEX "hsds_schedule_service_at_location_id_idx";--> statement-breakpoint
DROP INDEX "hsds_service_organization_id_idx";--> statement-breakpoint
DROP INDEX "hsds_service_program_id_idx";--> statement-breakpoint
DROP INDEX "hsds_service_area_service_id_idx";--> statement-breakpoint
DROP INDEX "hsds_service_at_location_service_id_idx";--> statement-breakpoint
DROP INDEX "hsds_service_at_location_location_id_idx";--> statement-breakpoint
DROP INDEX "hsds_taxonomy_term_taxonomy_id_idx";--> statement-breakpoint
CREATE INDEX "hsds_accessibility_location_id_idx" ON "hsds_accessibility" USING btree ("location_id") WHERE "hsds_accessibility"."location_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_address_location_id_idx" ON "hsds_address" USING btree ("location_id") WHERE "hsds_address"."location_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_attribute_taxonomy_term_id_idx" ON "hsds_attribute" USING btree ("taxonomy_term_id") WHERE "hsds_attribute"."taxonomy_term_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_attribute_link_id_idx" ON "hsds_attribute" USING btree ("link_id") WHERE "hsds_attribute"."link_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_contact_location_id_idx" ON "hsds_contact" USING btree ("location_id") WHERE "hsds_contact"."location_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_contact_organization_id_idx" ON "hsds_contact" USING btree ("organization_id") WHERE "hsds_contact"."organization_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_contact_service_id_idx" ON "hsds_contact" USING btree ("service_id") WHERE "hsds_contact"."service_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_contact_service_at_location_id_idx" ON "hsds_contact" USING btree ("service_at_location_id") WHERE "hsds_contact"."service_at_location_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_cost_option_service_id_idx" ON "hsds_cost_option" USING btree ("service_id") WHERE "hsds_cost_option"."service_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_funding_organization_id_idx" ON "hsds_funding" USING btree ("organization_id") WHERE "hsds_funding"."organization_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_funding_service_id_idx" ON "hsds_funding" USING btree ("service_id") WHERE "hsds_funding"."service_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_language_location_id_idx" ON "hsds_language" USING btree ("location_id") WHERE "hsds_language"."location_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_language_phone_id_idx" ON "hsds_language" USING btree ("phone_id") WHERE "hsds_language"."phone_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_language_service_id_idx" ON "hsds_language" USING btree ("service_id") WHERE "hsds_language"."service_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_location_organization_id_idx" ON "hsds_location" USING btree ("organization_id") WHERE "hsds_location"."organization_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_organization_identifier_organization_id_idx" ON "hsds_organization_identifier" USING btree ("organization_id") WHERE "hsds_organization_identifier"."organization_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_phone_contact_id_idx" ON "hsds_phone" USING btree ("contact_id") WHERE "hsds_phone"."contact_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_phone_location_id_idx" ON "hsds_phone" USING btree ("location_id") WHERE "hsds_phone"."location_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_phone_organization_id_idx" ON "hsds_phone" USING btree ("organization_id") WHERE "hsds_phone"."organization_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_phone_service_id_idx" ON "hsds_phone" USING btree ("service_id") WHERE "hsds_phone"."service_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_phone_service_at_location_id_idx" ON "hsds_phone" USING btree ("service_at_location_id") WHERE "hsds_phone"."service_at_location_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_program_organization_id_idx" ON "hsds_program" USING btree ("organization_id") WHERE "hsds_program"."organization_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_required_document_service_id_idx" ON "hsds_required_document" USING btree ("service_id") WHERE "hsds_required_document"."service_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_schedule_location_id_idx" ON "hsds_schedule" USING btree ("location_id") WHERE "hsds_schedule"."location_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_schedule_service_id_idx" ON "hsds_schedule" USING btree ("service_id") WHERE "hsds_schedule"."service_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_schedule_service_at_location_id_idx" ON "hsds_schedule" USING btree ("service_at_location_id") WHERE "hsds_schedule"."service_at_location_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_service_organization_id_idx" ON "hsds_service" USING btree ("organization_id") WHERE "hsds_service"."organization_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_service_program_id_idx" ON "hsds_service" USING btree ("program_id") WHERE "hsds_service"."program_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_service_area_service_id_idx" ON "hsds_service_area" USING btree ("service_id") WHERE "hsds_service_area"."service_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_service_at_location_service_id_idx" ON "hsds_service_at_location" USING btree ("service_id") WHERE "hsds_service_at_location"."service_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_service_at_location_location_id_idx" ON "hsds_service_at_location" USING btree ("location_id") WHERE "hsds_service_at_location"."location_id" is not null;--> statement-breakpoint
CREATE INDEX "hsds_taxonomy_term_taxonomy_id_idx" ON "hsds_taxonomy_term" USING btree ("taxonomy_id") WHERE "hsds_taxonomy_term"."taxonomy_id" is not null;