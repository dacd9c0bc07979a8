-- Who receives referrals to a service, and whom to email about them: written once here, for the repository's
-- queries and for referral_context below. PL/pgSQL rather than SQL functions: those plan their query on every
-- call (they cannot be inlined, having a FROM), PL/pgSQL keeps the plan for the session.

-- The Arrival organisation linked to an HSDS organization (the first one linked, should two claim it).
CREATE OR REPLACE FUNCTION referral_receiver_of(p_hsds_organization_id text) RETURNS uuid
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT o.id FROM organisations o WHERE o.hsds_organization_id = p_hsds_organization_id
          ORDER BY o.created_at, o.id LIMIT 1);
END;
$$;--> statement-breakpoint

-- Email addresses of the active staff of an organisation who handle referrals (admins and caseworkers).
CREATE OR REPLACE FUNCTION referral_handler_emails(p_organisation_id uuid) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT coalesce(array_agg(u.email ORDER BY u.email), '{}') FROM memberships m
          JOIN users u ON u.id = m.user_id
          WHERE m.organisation_id = p_organisation_id AND m.role IN ('org_admin', 'caseworker')
            AND u.disabled_at IS NULL);
END;
$$;--> statement-breakpoint

-- Everything creating a referral checks, in one round trip (src/domains/referrals/referrals.repo.ts,
-- findReferralContext), in this order: the person's row is locked (an erasure waits for the referral, or the
-- referral finds no person), then the need, the service and its receiver, the consent, whether the service
-- accepts referrals and whom to email are read, and last the audit chain is locked and its head read — row
-- locks before the chain's lock, as every audited write takes them. A function because PL/pgSQL keeps the plans
-- of its queries for the session: planning this read anew each time cost more than running it.
-- No person: every OUT column is null.
CREATE OR REPLACE FUNCTION referral_context(
  p_person uuid, p_need uuid, p_service text, p_consent uuid,
  OUT organisation_id uuid, OUT need_found boolean, OUT service_id text, OUT receiver_id uuid,
  OUT consent_person_id uuid, OUT consent_recipient_id uuid, OUT consent_purpose text,
  OUT consent_expires_at timestamptz, OUT consent_revoked_at timestamptz,
  OUT accepting boolean, OUT handlers text[], OUT head_seq bigint, OUT head_hash text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  SELECT p.organisation_id INTO organisation_id FROM people p WHERE p.id = p_person FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  need_found := EXISTS (SELECT 1 FROM person_needs n WHERE n.id = p_need AND n.person_id = p_person);
  SELECT s.id, referral_receiver_of(s.organization_id) INTO service_id, receiver_id
    FROM hsds_service s WHERE s.id = p_service;
  SELECT c.person_id, c.recipient_organisation_id, c.purpose, c.expires_at, c.revoked_at
    INTO consent_person_id, consent_recipient_id, consent_purpose, consent_expires_at, consent_revoked_at
    FROM consents c WHERE c.id = p_consent;
  SELECT c.accepting INTO accepting FROM service_capacity c WHERE c.service_id = p_service;
  handlers := referral_handler_emails(receiver_id);
  SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_chain_head_locked() h;
END;
$$;
