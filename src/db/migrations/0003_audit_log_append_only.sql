-- The audit log is append-only (firewall rule 7). This trigger refuses UPDATE, DELETE and TRUNCATE on it for
-- every role, the owner included; on PostgreSQL the app's role should also lack those privileges (see
-- src/domains/audit/README.md). Only someone who can disable triggers (the table owner or a superuser) can
-- change a row, and `arrival audit verify` then finds the break in the hash chain.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
