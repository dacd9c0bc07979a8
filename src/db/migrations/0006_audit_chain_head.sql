-- Locks the audit chain for the rest of the transaction and returns its head (the last row's seq and hash), in
-- one round trip instead of two. The lock is the same transaction-level advisory lock appends always took
-- (key 7243902), so two transactions can never read the same head and fork the chain. The function is VOLATILE:
-- in READ COMMITTED its query takes a fresh snapshot after the lock is granted, so it sees the row that the
-- transaction it waited for appended (a plain `select pg_advisory_xact_lock(…), … from audit_log` would not: a
-- statement's snapshot is taken before it waits).
CREATE OR REPLACE FUNCTION audit_chain_head_locked(OUT seq bigint, OUT hash text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7243902);
  SELECT a.seq, a.hash INTO seq, hash FROM audit_log a ORDER BY a.seq DESC LIMIT 1;
END;
$$;
