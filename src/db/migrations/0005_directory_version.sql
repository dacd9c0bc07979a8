CREATE TABLE "directory_version" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);--> statement-breakpoint
-- One row, the version of the directory's content. Every statement that writes to an HSDS table or to the
-- translations bumps it in its own transaction (statement triggers, so an import of 10k services bumps it a few
-- dozen times, not once per row). Caches of public answers (src/domains/directory/hsds.cache.ts) are keyed by it:
-- any write, by any process or node, even by hand in psql, makes them stale as soon as it commits.
-- ALTER TABLE … DISABLE TRIGGER would defeat it: don't, or bump the version by hand afterwards.
INSERT INTO "directory_version" ("id", "version") VALUES (1, 0);--> statement-breakpoint
CREATE OR REPLACE FUNCTION directory_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  bumped bigint;
BEGIN
  UPDATE directory_version SET version = version + 1 WHERE id = 1 RETURNING version INTO bumped;
  -- Delivered on commit only (and not at all on rollback), to every session that listens (PGlite: the app).
  PERFORM pg_notify('directory_version', bumped::text);
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "hsds_accessibility_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_accessibility"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_address_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_address"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_attribute_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_attribute"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_contact_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_contact"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_cost_option_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_cost_option"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_funding_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_funding"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_language_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_language"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_location_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_location"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_meta_table_description_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_meta_table_description"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_metadata_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_metadata"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_organization_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_organization"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_organization_identifier_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_organization_identifier"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_phone_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_phone"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_program_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_program"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_required_document_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_required_document"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_schedule_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_schedule"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_service_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_service"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_service_area_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_service_area"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_service_at_location_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_service_at_location"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_taxonomy_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_taxonomy"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "hsds_taxonomy_term_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "hsds_taxonomy_term"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();--> statement-breakpoint
CREATE TRIGGER "directory_translation_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "directory_translation"
  FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
