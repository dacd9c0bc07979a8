/**
 * People benchmark (part of `npm run bench`; alone: `node --import tsx bench/people.ts`). Numbers, never
 * pass/fail.
 *
 * Finding a returning person, at BENCH_PEOPLE_SIZES people (default 10k, 100k, 1M) in one organisation, on
 * PGlite and on a throwaway PostgreSQL cluster (BENCH_SKIP_POSTGRES=1 to skip): `lookUpPeople` (the service
 * the helpdesk calls: keyed HMAC of what staff typed, an index lookup, an audit row per hit, one transaction)
 * by Arrival code and by phone (blind index), p50/p95 over BENCH_LOOKUPS lookups of people that exist.
 * People are seeded as the service writes them (a wrapped data key, sealed fields, blind indexes), in bulk.
 *
 * Referral creation: BENCH_REFERRALS (default 300) calls of `createReferral` one after another (person locked,
 * consent checked, the referral, its first event and the need's progress written, an audit row chained and
 * the receiving organisation's two handlers emailed through the outbox, in one transaction), as referrals per
 * second, against raw autocommitted INSERTs in the same run (issue 6 goal ≥ 0.3), counted two ways: one
 * referral row per referral, and the same rows a referral writes (referral, event, audit row, two emails).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { systemClock } from '../src/clock.ts';
import { type Database, openPglite, openPostgres } from '../src/db/driver.ts';
import { queryRows } from '../src/db/rows.ts';
import { memberships, organisations, users } from '../src/domains/accounts/index.ts';
import { createConsent } from '../src/domains/consent/consent.service.ts';
import { seedSyntheticDirectory } from '../src/domains/directory/index.ts';
import {
  createKeyring,
  formatArrivalCode,
  type Keyring,
  newArrivalCode,
  type PeopleDeps,
  personVault,
} from '../src/domains/people/index.ts';
import { createPerson, lookUpPeople } from '../src/domains/people/people.service.ts';
import type { ReferralDeps } from '../src/domains/referrals/index.ts';
import { createReferral } from '../src/domains/referrals/referrals.service.ts';
import type { StaffActor } from '../src/http/policy.ts';
import { log, mergeResults, random, round1, SEED, startPostgres, summary } from './lib.ts';

const SIZES = (() => {
  const raw = process.env.BENCH_PEOPLE_SIZES;
  if (!raw) return [10_000, 100_000, 1_000_000];
  return raw
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
})();
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 300);
const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 300);
const BATCH = 5000;
/** Every code seeded in this process, so that no two people share one (see seedPeople). */
const usedCodes = new Set<string>();

export interface Sample {
  code: string;
  phone: string;
}

/** Grows the people table to `target` rows as the service writes them; keeps some codes and phones to look up. */
export async function seedPeople(
  database: Database,
  keyring: Keyring,
  organisationId: string,
  from: number,
  target: number,
  samples: Sample[],
  next: () => number,
): Promise<void> {
  const now = new Date();
  for (let start = from; start < target; start += BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(target, start + BATCH); i++) {
      const id = randomUUID();
      const { dataKey, wrapped } = keyring.newDataKey(id);
      const vault = personVault(id, dataKey);
      let code = newArrivalCode();
      // Codes are 40 random bits: at a million people a repeat is likely, and the service would draw again.
      while (usedCodes.has(code)) code = newArrivalCode();
      usedCodes.add(code);
      const phone = `+3460${String(i).padStart(7, '0')}`;
      if (next() < 0.01 && samples.length < 5000) samples.push({ code: formatArrivalCode(code), phone });
      rows.push({
        id,
        organisation_id: organisationId,
        wrapped_key: wrapped,
        display_name: vault.seal('displayName', `Person ${i}`),
        phone: vault.seal('phone', phone),
        languages: vault.seal('languages', ['ar']),
        phone_index: keyring.blindIndex('phone', phone),
        code_index: keyring.blindIndex('person-code', code),
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
        last_contact_at: now.toISOString(),
      });
    }
    await database.db.execute(sql`
      insert into people (id, organisation_id, wrapped_key, display_name, phone, languages, phone_index,
                          code_index, created_at, updated_at, last_contact_at)
      select id, organisation_id, wrapped_key, display_name, phone, languages, phone_index, code_index,
             created_at, updated_at, last_contact_at
      from json_to_recordset(${JSON.stringify(rows)}::json) as r(
        id uuid, organisation_id uuid, wrapped_key text, display_name text, phone text, languages text,
        phone_index text, code_index text, created_at timestamptz, updated_at timestamptz,
        last_contact_at timestamptz)`);
  }
  await database.db.execute(sql`analyze people`);
}

export async function benchOrganisation(database: Database) {
  const organisationId = randomUUID();
  await database.db
    .insert(organisations)
    .values({ id: organisationId, name: `Bench ${organisationId}`, createdAt: new Date() });
  const userId = randomUUID();
  await database.db.insert(users).values({
    id: userId,
    email: `${userId}@bench.example`,
    passwordHash: 'unused',
    createdAt: new Date(),
  });
  const actor: StaffActor = {
    sessionId: randomUUID(),
    userId,
    email: 'bench@example.org',
    organisationId,
    organisationName: 'Bench',
    role: 'caseworker',
    csrfToken: 'unused',
  };
  return { organisationId, actor };
}

async function timeLookups(deps: PeopleDeps, actor: StaffActor, samples: Sample[], by: 'code' | 'phone') {
  const ms: number[] = [];
  for (let i = 0; i < Math.min(LOOKUPS, samples.length * 3); i++) {
    const sample = samples[i % samples.length] as Sample;
    const t = performance.now();
    const found = await lookUpPeople(
      deps,
      actor,
      by === 'code' ? { code: sample.code } : { phone: sample.phone },
      {},
    );
    ms.push(performance.now() - t);
    if (found.length !== 1) throw new Error(`lookup by ${by} found ${found.length} people`);
  }
  return summary(ms.slice(Math.min(20, ms.length - 1)));
}

/** A staff member of `organisationId` who handles referrals, so that each one queues them an email. */
async function addHandler(database: Database, organisationId: string, role: 'caseworker' | 'org_admin') {
  const userId = randomUUID();
  await database.db.insert(users).values({
    id: userId,
    email: `${userId}@bench.example`,
    passwordHash: 'unused',
    createdAt: new Date(),
  });
  await database.db.insert(memberships).values({ userId, organisationId, role, createdAt: new Date() });
}

/**
 * Referrals per second through the service vs raw INSERTs in the same database, two ways: one INSERT of a
 * referral row per referral, and the same rows a referral writes (referral, event, audit row, an email to each of
 * the receiver's two handlers) as one autocommitted INSERT each — no lock, no check, no hash, no encryption.
 */
async function referralThroughput(name: string, database: Database) {
  const keyring = createKeyring(Buffer.alloc(32, 2));
  const deps: ReferralDeps = {
    db: database.db,
    clock: systemClock,
    keyring,
    erasureGraceDays: 30,
    publicBaseUrl: 'http://localhost:3000',
    locale: 'en',
    referralAckDays: 3,
    referralExpiryDays: 30,
  };
  await seedSyntheticDirectory(database.db, 20, SEED);
  const [service] = await queryRows<{ id: string; organization_id: string }>(
    database.db,
    sql`select id, organization_id from hsds_service order by id limit 1`,
  );
  if (!service) throw new Error('no service seeded');
  const sender = await benchOrganisation(database);
  const receiver = await benchOrganisation(database);
  await database.db.execute(
    sql`update organisations set hsds_organization_id = ${service.organization_id} where id = ${receiver.organisationId}`,
  );
  await addHandler(database, receiver.organisationId, 'caseworker');
  await addHandler(database, receiver.organisationId, 'org_admin');
  const people: { id: string; consentId: string; needId: string }[] = [];
  for (let i = 0; i < REFERRALS; i++) {
    const { id } = await createPerson(
      deps,
      sender.actor,
      { displayName: `Person ${i}`, needs: ['legal'] },
      {},
    );
    const consent = await createConsent(
      deps,
      sender.actor,
      id,
      {
        recipientOrganisationId: receiver.organisationId,
        fields: ['displayName', 'needs'],
        purpose: 'referral',
        expiresAt: new Date(Date.now() + 30 * 86_400_000),
      },
      {},
    );
    const [need] = await queryRows<{ id: string }>(
      database.db,
      sql`select id from person_needs where person_id = ${id}`,
    );
    people.push({ id, consentId: consent.id, needId: need?.id ?? '' });
  }
  const [before] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from outbox`);
  const started = performance.now();
  for (const person of people) {
    await createReferral(
      deps,
      sender.actor,
      {
        personId: person.id,
        serviceId: service.id,
        consentId: person.consentId,
        needId: person.needId,
        pseudonymous: false,
      },
      {},
    );
  }
  const serviceSeconds = (performance.now() - started) / 1000;
  const [after] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from outbox`);
  const emailsPerReferral = ((after?.n ?? 0) - (before?.n ?? 0)) / REFERRALS;

  const insertReferral = (personId: string, consentId: string, id: string, now: string) =>
    database.db.execute(sql`
      insert into referrals (id, person_id, service_id, sender_organisation_id, receiver_organisation_id,
                             consent_id, pseudonymous, state, created_at, updated_at, sent_at)
      values (${id}, ${personId}, ${service.id}, ${sender.organisationId}, ${receiver.organisationId},
              ${consentId}, false, 'sent', ${now}, ${now}, ${now})`);
  const rawStarted = performance.now();
  for (const person of people)
    await insertReferral(person.id, person.consentId, randomUUID(), new Date().toISOString());
  const rawSeconds = (performance.now() - rawStarted) / 1000;

  // The audit rows go to a copy of audit_log (same columns and indexes, no chain to break).
  await database.db.execute(sql`create table bench_audit_rows (like audit_log including all)`);
  let seq = 1_000_000;
  const rowsStarted = performance.now();
  for (const person of people) {
    const id = randomUUID();
    const now = new Date().toISOString();
    await insertReferral(person.id, person.consentId, id, now);
    await database.db.execute(sql`
      insert into referral_events (id, referral_id, at, actor_user_id, actor_organisation_id, to_state)
      values (${randomUUID()}, ${id}, ${now}, ${sender.actor.userId}, ${sender.organisationId}, 'sent')`);
    seq += 1;
    await database.db.execute(sql`
      insert into bench_audit_rows (id, seq, at, actor_user_id, actor_organisation_id, actor_role, action,
                                    object_type, object_id, purpose, prev_hash, hash)
      values (${randomUUID()}, ${seq}, ${now}, ${sender.actor.userId}, ${sender.organisationId}, 'caseworker',
              'referral.created', 'referral', ${id}, 'referral', ${'0'.repeat(64)}, ${'f'.repeat(64)})`);
    for (let e = 0; e < emailsPerReferral; e++) {
      await database.db.execute(sql`
        insert into outbox (id, channel, recipient, template, locale, params, status, attempts, next_attempt_at,
                            created_at)
        values (${randomUUID()}, 'email', ${`handler${e}@bench.example`}, 'referral_received', 'en',
                ${JSON.stringify({ link: `http://localhost:3000/staff/referrals/${id}` })}::jsonb, 'pending', 0,
                ${now}, ${now})`);
    }
  }
  const rowsSeconds = (performance.now() - rowsStarted) / 1000;
  await database.db.execute(sql`drop table bench_audit_rows`);

  const perSecond = REFERRALS / serviceSeconds;
  const rawPerSecond = REFERRALS / rawSeconds;
  const sameRowsPerSecond = REFERRALS / rowsSeconds;
  log(
    `people: ${name} referrals ${round1(perSecond)}/s; raw referral rows ${round1(rawPerSecond)}/s; ` +
      `raw same rows (${3 + emailsPerReferral} INSERTs) ${round1(sameRowsPerSecond)}/s`,
  );
  return {
    engine: name,
    referrals: REFERRALS,
    referralsPerSecond: round1(perSecond),
    rawReferralRowsPerSecond: round1(rawPerSecond),
    ratioToReferralRow: Math.round((perSecond / rawPerSecond) * 1000) / 1000,
    rowsPerReferral: 3 + emailsPerReferral,
    rawSameRowsPerSecond: round1(sameRowsPerSecond),
    ratioToSameRows: Math.round((perSecond / sameRowsPerSecond) * 1000) / 1000,
  };
}

async function runEngine(name: string, database: Database, rows: Record<string, unknown>[]) {
  const keyring = createKeyring(Buffer.alloc(32, 1));
  const deps: PeopleDeps = { db: database.db, clock: systemClock, keyring, erasureGraceDays: 30 };
  const { organisationId, actor } = await benchOrganisation(database);
  const samples: Sample[] = [];
  const next = random(SEED);
  let size = 0;
  for (const target of SIZES) {
    const t = performance.now();
    await seedPeople(database, keyring, organisationId, size, target, samples, next);
    const seedSeconds = round1((performance.now() - t) / 1000);
    size = target;
    log(`people: ${name} ${target} seeded in ${seedSeconds} s; looking up…`);
    const byCode = await timeLookups(deps, actor, samples, 'code');
    const byPhone = await timeLookups(deps, actor, samples, 'phone');
    rows.push({
      engine: name,
      people: target,
      seedSeconds,
      codeP50: byCode.p50,
      codeP95: byCode.p95,
      phoneP50: byPhone.p50,
      phoneP95: byPhone.p95,
    });
  }
}

async function main() {
  const rows: Record<string, unknown>[] = [];
  const throughput: Record<string, unknown>[] = [];
  const pglite = await openPglite({});
  await pglite.migrate();
  try {
    throughput.push(await referralThroughput('pglite', pglite));
    await runEngine('pglite', pglite, rows);
  } finally {
    await pglite.close();
  }
  let postgres: Record<string, unknown> = {};
  if (process.env.BENCH_SKIP_POSTGRES !== '1') {
    const cluster = await startPostgres();
    if ('skipped' in cluster) {
      postgres = { skipped: cluster.skipped };
    } else {
      postgres = { version: cluster.version };
      const database = await openPostgres(cluster.url);
      try {
        await database.migrate();
        throughput.push(await referralThroughput('postgres', database));
        await runEngine('postgres', database, rows);
      } finally {
        await database.close();
        cluster.stop();
      }
    }
  }
  console.log('Referral creation (createReferral) vs raw autocommitted INSERTs, same run:');
  console.table(throughput);
  console.log('Person lookup (lookUpPeople: HMAC + index + audit row, one transaction), ms:');
  console.table(rows);
  mergeResults('people', { sizes: SIZES, lookups: LOOKUPS, postgres, referrals: throughput, lookup: rows });
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
