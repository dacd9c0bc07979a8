import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Db, Executor, Tx } from '../../db/driver.ts';
import { notFound } from '../../http/errors.ts';
import type { StaffActor } from '../../http/policy.ts';
import { type AuditActor, recordAudit } from '../audit/index.ts';
import { enqueuePrivateEmail, type PrivateMessageOpener } from '../notify/index.ts';
import { formatArrivalCode, newArrivalCode, parseArrivalCode } from './codes.ts';
import { PERSON_RETENTION_DAYS, PERSONAL_FIELDS, type ShareableField } from './fields.ts';
import type { Need, NeedStatus, UrgencyFlag } from './needs.ts';
import {
  type Keyring,
  normaliseEmail,
  normalisePhone,
  type PersonVault,
  personVault,
} from './people.crypto.ts';
import * as repo from './people.repo.ts';
import type { TPersonCreate, TPersonUpdate, TPersonView } from './people.schema.ts';

export interface PeopleDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  /** Days the city has to confirm an erasure asked for on /{lang}/my-data; then it happens anyway. */
  erasureGraceDays: number;
  /** For messages to the person (their code, a consent receipt): links, language, and sending after commit. */
  messages?: { publicBaseUrl: string; locales: readonly string[]; defaultLocale: string; kick(): void };
}

/** The language to write to a person in: the first of theirs that the city has a catalogue for. */
export function messageLocale(
  languages: readonly string[] | undefined,
  locales: readonly string[],
  fallback: string,
) {
  for (const language of languages ?? []) {
    const primary = language.toLowerCase().split('-')[0] ?? '';
    if (locales.includes(primary)) return primary;
  }
  return fallback;
}

/**
 * Queues an email to the person, in the transaction: their address and the values (a code) are sealed under
 * their key, so the outbox holds nothing readable about them (notify.service.ts `enqueuePrivateEmail`).
 */
export async function queuePersonEmail(
  tx: Tx,
  deps: { clock: Clock },
  vault: PersonVault,
  personId: string,
  message: { to: string; template: string; locale: string; params: Record<string, string | number> },
): Promise<void> {
  await enqueuePrivateEmail(tx, deps.clock.now(), {
    personId,
    template: message.template,
    locale: message.locale,
    seal: (messageId) => vault.seal(`outbox:${messageId}`, { to: message.to, params: message.params }),
  });
}

/** Opens a queued private message when the outbox sends it; undefined once the person is erased. */
export function privateMessageOpener(deps: { db: Db; keyring: Keyring }): PrivateMessageOpener {
  return async (personId, messageId, sealed) => {
    const person = await repo.findPerson(deps.db, personId);
    if (!person) return undefined;
    return vaultOf(deps.keyring, person).open<{ to: string; params: Record<string, string | number> }>(
      `outbox:${messageId}`,
      sealed,
    );
  };
}

export interface RequestContext {
  requestId?: string;
}

export const auditActorOf = (actor: StaffActor): AuditActor => ({
  userId: actor.userId,
  organisationId: actor.organisationId,
  role: actor.role,
});

const DAY_MS = 86_400_000;

/** Opens a person's sealed fields: their data key, unwrapped with the deployment key. */
export function vaultOf(keyring: Keyring, person: repo.PersonRow): PersonVault {
  return personVault(person.id, keyring.unwrapDataKey(person.id, person.wrappedKey));
}

/** What the caller may see of a person, or nothing. */
export type PersonAccess =
  | { kind: 'owner' }
  | { kind: 'consent'; fields: Set<ShareableField>; until: Date; purpose: string; consentIds: string[] }
  | { kind: 'none' };

/**
 * Deny by default (firewall rules 5 and 6): the recording organisation sees the person; another sees the fields
 * of its consents in force, and nothing once they are revoked or expired.
 */
export async function accessOf(
  db: Executor,
  organisationId: string,
  person: repo.PersonRow,
  now: Date,
): Promise<PersonAccess> {
  if (person.organisationId === organisationId) return { kind: 'owner' };
  const active = await repo.activeConsentsFor(db, person.id, organisationId, now);
  if (active.length === 0) return { kind: 'none' };
  return {
    kind: 'consent',
    fields: new Set(active.flatMap((c) => c.fields as ShareableField[])),
    until: new Date(Math.max(...active.map((c) => c.expiresAt.getTime()))),
    purpose: active[0]?.purpose ?? 'referral',
    consentIds: active.map((c) => c.id),
  };
}

/**
 * A refused attempt on a person is audited (in its own transaction: the refusal rolls nothing else back) and
 * answered exactly like a missing one, so ids cannot be probed.
 */
export async function refuse(
  deps: { db: Db; clock: Clock },
  actor: StaffActor | null,
  objectType: string,
  objectId: string,
  ctx: RequestContext,
): Promise<never> {
  await deps.db.transaction((tx) =>
    recordAudit(tx, {
      at: deps.clock.now(),
      actor: actor ? auditActorOf(actor) : null,
      action: `${objectType}.access_denied`,
      objectType,
      // Only a well-formed id is recorded: whatever else was sent stays out of the log.
      ...(/^[0-9a-f-]{36}$/i.test(objectId) ? { objectId } : {}),
      ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    }),
  );
  throw notFound();
}

function sealProfile(vault: PersonVault, input: TPersonCreate | TPersonUpdate, keyring: Keyring) {
  const values: Partial<typeof import('./people.schema.ts').people.$inferInsert> = {};
  const put = <K extends 'displayName' | 'phone' | 'email' | 'languages' | 'interpreterNeeded' | 'urgency'>(
    field: K,
    value: unknown,
  ) => {
    if (value === undefined) return;
    values[field] = value === null ? null : vault.seal(field, value);
  };
  put('displayName', input.displayName);
  put('phone', input.phone);
  put('email', input.email);
  put('languages', input.languages);
  put('interpreterNeeded', input.interpreterNeeded);
  put('urgency', input.urgency);
  if (input.phone !== undefined)
    values.phoneIndex =
      input.phone === null ? null : keyring.blindIndex('phone', normalisePhone(input.phone));
  if (input.email !== undefined)
    values.emailIndex =
      input.email === null ? null : keyring.blindIndex('email', normaliseEmail(input.email));
  return values;
}

function needRows(vault: PersonVault, personId: string, needs: readonly Need[], at: Date) {
  return [...new Set(needs)].map((need) => {
    const id = randomUUID();
    return {
      id,
      personId,
      need: vault.seal(`need:${id}`, need),
      progress: 'open' as const,
      createdAt: at,
      updatedAt: at,
    };
  });
}

/**
 * A new Arrival code no one holds. Codes are 40 random bits, so two people share one about once in a million
 * codes at a million people (birthday bound): the unique index would refuse the second, so draw again.
 */
async function unusedPersonCode(db: Executor, keyring: Keyring): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = newArrivalCode();
    if (!(await repo.findPersonByCodeIndex(db, keyring.blindIndex('person-code', code)))) return code;
  }
  throw new Error('No unused Arrival code after 5 draws');
}

/** Records a new person (a helpdesk visit): only a random id is required. Returns the Arrival code, once. */
export async function createPerson(
  deps: PeopleDeps,
  actor: StaffActor,
  input: TPersonCreate,
  ctx: RequestContext,
): Promise<{ id: string; code: string }> {
  const now = deps.clock.now();
  const id = randomUUID();
  const { dataKey, wrapped } = deps.keyring.newDataKey(id);
  const vault = personVault(id, dataKey);
  let code = '';
  await deps.db.transaction(async (tx) => {
    code = await unusedPersonCode(tx, deps.keyring);
    await repo.insertPerson(tx, {
      id,
      organisationId: actor.organisationId,
      wrappedKey: wrapped,
      codeIndex: deps.keyring.blindIndex('person-code', code),
      ...sealProfile(vault, input, deps.keyring),
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
      lastContactAt: now,
    });
    await repo.insertNeeds(tx, needRows(vault, id, input.needs ?? [], now));
    await repo.insertVisit(tx, {
      id: randomUUID(),
      personId: id,
      organisationId: actor.organisationId,
      siteId: input.siteId ?? null,
      at: now,
      recordedBy: actor.userId,
    });
    await audit(tx, deps, actor, 'person.created', id, 'casework', ctx);
    if (input.sendCode && input.email && deps.messages) {
      const locale = messageLocale(input.languages, deps.messages.locales, deps.messages.defaultLocale);
      await queuePersonEmail(tx, deps, vault, id, {
        to: input.email,
        template: 'person_code',
        locale,
        params: { code: formatArrivalCode(code), url: `${deps.messages.publicBaseUrl}/${locale}/my-data` },
      });
    }
  });
  if (input.sendCode && input.email) deps.messages?.kick();
  return { id, code: formatArrivalCode(code) };
}

async function audit(
  tx: Tx,
  deps: { clock: Clock },
  actor: StaffActor | null,
  action: string,
  personId: string,
  purpose: string | undefined,
  ctx: RequestContext,
) {
  await recordAudit(tx, {
    at: deps.clock.now(),
    actor: actor ? auditActorOf(actor) : null,
    action,
    objectType: 'person',
    objectId: personId,
    ...(purpose ? { purpose } : {}),
    ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  });
}

/** The person's fields the access allows, opened. */
export async function personView(
  db: Executor,
  keyring: Keyring,
  person: repo.PersonRow,
  access: Exclude<PersonAccess, { kind: 'none' }>,
): Promise<TPersonView> {
  const vault = vaultOf(keyring, person);
  const may = (field: ShareableField) => access.kind === 'owner' || access.fields.has(field);
  const opened = <T>(field: string, sealed: string | null): T | undefined =>
    sealed === null ? undefined : vault.open<T>(field, sealed);
  const view: TPersonView = { id: person.id, access: access.kind };
  const set = <K extends keyof TPersonView>(key: K, value: TPersonView[K] | undefined) => {
    if (value !== undefined) view[key] = value;
  };
  if (may('displayName')) set('displayName', opened<string>('displayName', person.displayName));
  if (may('phone')) set('phone', opened<string>('phone', person.phone));
  if (may('email')) set('email', opened<string>('email', person.email));
  if (may('languages')) set('languages', opened<string[]>('languages', person.languages));
  if (may('needs')) {
    const needs = await repo.listNeeds(db, person.id);
    view.needs = needs.map((n) => ({
      id: n.id,
      need: vault.open<Need>(`need:${n.id}`, n.need),
      status: n.progress,
      createdAt: n.createdAt.toISOString(),
    }));
  }
  if (access.kind === 'consent') {
    view.sharedUntil = access.until.toISOString();
    return view;
  }
  set('interpreterNeeded', opened<boolean>('interpreterNeeded', person.interpreterNeeded));
  set('urgency', opened<UrgencyFlag[]>('urgency', person.urgency));
  const notes = await repo.listNotes(db, person.id, person.organisationId);
  view.notes = notes.map((n) => ({
    id: n.id,
    kind: n.kind,
    body: vault.open<string>(`note:${n.id}`, n.body),
    createdAt: n.createdAt.toISOString(),
    ...(n.doneAt ? { doneAt: n.doneAt.toISOString() } : {}),
  }));
  view.visits = (await repo.listVisits(db, person.id)).map((v) => ({
    id: v.id,
    ...(v.siteId ? { siteId: v.siteId } : {}),
    at: v.at.toISOString(),
  }));
  const erasure = await repo.findErasureRequest(db, person.id);
  if (erasure) view.erasureRequestedAt = erasure.requestedAt.toISOString();
  view.createdAt = person.createdAt.toISOString();
  view.lastContactAt = person.lastContactAt.toISOString();
  return view;
}

/** Reads a person as the caller may see them; the read is audited with its purpose. Others get 404. */
export async function readPerson(
  deps: PeopleDeps,
  actor: StaffActor,
  personId: string,
  ctx: RequestContext,
): Promise<TPersonView> {
  const view = await deps.db.transaction(async (tx) => {
    const person = await repo.findPerson(tx, personId);
    if (!person) return undefined;
    const access = await accessOf(tx, actor.organisationId, person, deps.clock.now());
    if (access.kind === 'none') return undefined;
    const purpose = access.kind === 'owner' ? 'casework' : access.purpose;
    await audit(tx, deps, actor, 'person.read', person.id, purpose, ctx);
    return personView(tx, deps.keyring, person, access);
  });
  return view ?? refuse(deps, actor, 'person', personId, ctx);
}

/**
 * Runs `change` on a person of the caller's own organisation, locked, with the audit row in the same
 * transaction; anyone else's person (or none) is a refusal, audited, and 404.
 */
async function changeOwnPerson<T>(
  deps: PeopleDeps,
  actor: StaffActor,
  personId: string,
  action: string,
  ctx: RequestContext,
  change: (tx: Tx, person: repo.PersonRow, vault: PersonVault, now: Date) => Promise<T>,
): Promise<T> {
  const result = await deps.db.transaction(async (tx) => {
    const person = await repo.findPersonForUpdate(tx, personId);
    if (!person || person.organisationId !== actor.organisationId) return { refused: true as const };
    const now = deps.clock.now();
    const value = await change(tx, person, vaultOf(deps.keyring, person), now);
    await audit(tx, deps, actor, action, person.id, 'casework', ctx);
    return { refused: false as const, value };
  });
  if (result.refused) return refuse(deps, actor, 'person', personId, ctx);
  return result.value;
}

export function updatePerson(
  deps: PeopleDeps,
  actor: StaffActor,
  personId: string,
  input: TPersonUpdate,
  ctx: RequestContext,
): Promise<void> {
  return changeOwnPerson(deps, actor, personId, 'person.updated', ctx, async (tx, person, vault, now) => {
    await repo.updatePerson(tx, person.id, {
      ...sealProfile(vault, input, deps.keyring),
      updatedAt: now,
      lastContactAt: now,
    });
  });
}

export function addNeeds(
  deps: PeopleDeps,
  actor: StaffActor,
  personId: string,
  needs: Need[],
  ctx: RequestContext,
): Promise<void> {
  return changeOwnPerson(deps, actor, personId, 'person.needs_added', ctx, async (tx, person, vault, now) => {
    await repo.insertNeeds(tx, needRows(vault, person.id, needs, now));
    await repo.updatePerson(tx, person.id, { updatedAt: now, lastContactAt: now });
  });
}

export function setNeedStatus(
  deps: PeopleDeps,
  actor: StaffActor,
  personId: string,
  needId: string,
  status: NeedStatus,
  ctx: RequestContext,
): Promise<void> {
  return changeOwnPerson(
    deps,
    actor,
    personId,
    'person.need_updated',
    ctx,
    async (tx, person, _vault, now) => {
      if (!(await repo.updateNeed(tx, person.id, needId, { progress: status, updatedAt: now })))
        throw notFound();
    },
  );
}

export function addNote(
  deps: PeopleDeps,
  actor: StaffActor,
  personId: string,
  note: { kind: 'note' | 'next_step'; body: string },
  ctx: RequestContext,
): Promise<{ id: string }> {
  return changeOwnPerson(deps, actor, personId, 'person.note_added', ctx, async (tx, person, vault, now) => {
    const id = randomUUID();
    await repo.insertNote(tx, {
      id,
      personId: person.id,
      organisationId: actor.organisationId,
      kind: note.kind,
      body: vault.seal(`note:${id}`, note.body),
      authorUserId: actor.userId,
      createdAt: now,
    });
    await repo.updatePerson(tx, person.id, { updatedAt: now, lastContactAt: now });
    return { id };
  });
}

export function completeNextStep(
  deps: PeopleDeps,
  actor: StaffActor,
  personId: string,
  noteId: string,
  ctx: RequestContext,
): Promise<void> {
  return changeOwnPerson(
    deps,
    actor,
    personId,
    'person.next_step_done',
    ctx,
    async (tx, person, _vault, now) => {
      if (!(await repo.markNoteDone(tx, person.id, noteId, now))) throw notFound();
    },
  );
}

export function recordVisit(
  deps: PeopleDeps,
  actor: StaffActor,
  personId: string,
  siteId: string | undefined,
  ctx: RequestContext,
): Promise<void> {
  return changeOwnPerson(
    deps,
    actor,
    personId,
    'person.visit_recorded',
    ctx,
    async (tx, person, _vault, now) => {
      await repo.insertVisit(tx, {
        id: randomUUID(),
        personId: person.id,
        organisationId: actor.organisationId,
        siteId: siteId ?? null,
        at: now,
        recordedBy: actor.userId,
      });
      await repo.updatePerson(tx, person.id, { lastContactAt: now });
    },
  );
}

/** A new Arrival code for a person who lost theirs; the old one stops working at once. */
export function reissueCode(
  deps: PeopleDeps,
  actor: StaffActor,
  personId: string,
  ctx: RequestContext,
): Promise<{ code: string }> {
  return changeOwnPerson(
    deps,
    actor,
    personId,
    'person.code_reissued',
    ctx,
    async (tx, person, _vault, now) => {
      const code = await unusedPersonCode(tx, deps.keyring);
      await repo.updatePerson(tx, person.id, {
        codeIndex: deps.keyring.blindIndex('person-code', code),
        updatedAt: now,
      });
      return { code: formatArrivalCode(code) };
    },
  );
}

/**
 * Finds a returning person by phone or email (keyed HMAC blind index, never plaintext) among the caller's
 * organisation's people, or by the Arrival code they hold among those the caller may see.
 */
export async function lookUpPeople(
  deps: PeopleDeps,
  actor: StaffActor,
  by: { phone?: string | undefined; email?: string | undefined; code?: string | undefined },
  ctx: RequestContext,
): Promise<string[]> {
  return deps.db.transaction(async (tx) => {
    const found = new Map<string, repo.PersonRow>();
    const code = by.code ? parseArrivalCode(by.code) : undefined;
    if (code) {
      const person = await repo.findPersonByCodeIndex(tx, deps.keyring.blindIndex('person-code', code));
      if (person && (await accessOf(tx, actor.organisationId, person, deps.clock.now())).kind !== 'none')
        found.set(person.id, person);
    }
    const byContact = await repo.findPeopleByContactIndex(tx, actor.organisationId, {
      ...(by.phone ? { phone: deps.keyring.blindIndex('phone', normalisePhone(by.phone)) } : {}),
      ...(by.email ? { email: deps.keyring.blindIndex('email', normaliseEmail(by.email)) } : {}),
    });
    for (const person of byContact) found.set(person.id, person);
    for (const id of found.keys()) await audit(tx, deps, actor, 'person.found', id, 'casework', ctx);
    if (found.size === 0) {
      await recordAudit(tx, {
        at: deps.clock.now(),
        actor: auditActorOf(actor),
        action: 'person.lookup_missed',
        objectType: 'person',
        ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
      });
    }
    return [...found.keys()];
  });
}

/** Why a person was erased, as the deletion record and the audit row say. */
export type ErasureReason = 'erasure_by_staff' | 'erasure_requested' | 'retention';

/**
 * Erases a person now: their wrapped key and every row about them go; a deletion record stays. `onlyIf` is
 * checked on the locked row, so that a scheduled erasure does not take someone who came back (a visit recorded
 * between the job's query and this transaction) — it returns false then, and nothing changes.
 */
export async function erasePersonNow(
  tx: Tx,
  deps: { clock: Clock },
  personId: string,
  reason: ErasureReason,
  actor: StaffActor | null,
  ctx: RequestContext,
  onlyIf?: (person: repo.PersonRow) => boolean | Promise<boolean>,
): Promise<boolean> {
  const person = await repo.findPersonForUpdate(tx, personId);
  if (!person) return false;
  if (onlyIf && !(await onlyIf(person))) return false;
  const rows = await repo.deletePersonRows(tx, personId);
  const at = deps.clock.now();
  await repo.insertDeletionRecord(tx, {
    id: randomUUID(),
    personId,
    organisationId: person.organisationId,
    reason,
    rows,
    at,
  });
  await audit(tx, deps, actor, 'person.erased', personId, reason, ctx);
  return true;
}

/** `DELETE /api/v1/people/{id}`: the recording organisation erases a person at once. */
export async function erasePerson(
  deps: PeopleDeps,
  actor: StaffActor,
  personId: string,
  ctx: RequestContext,
): Promise<void> {
  const erased = await deps.db.transaction(async (tx) => {
    const person = await repo.findPerson(tx, personId);
    if (!person || person.organisationId !== actor.organisationId) return false;
    return erasePersonNow(tx, deps, personId, 'erasure_by_staff', actor, ctx);
  });
  if (!erased) await refuse(deps, actor, 'person', personId, ctx);
}

/** The person asked to be erased (on /{lang}/my-data): the city has `erasureGraceDays` to confirm it. */
export async function requestErasure(
  tx: Tx,
  deps: PeopleDeps,
  personId: string,
  ctx: RequestContext,
): Promise<Date> {
  const existing = await repo.findErasureRequest(tx, personId);
  if (existing) return existing.dueAt;
  const now = deps.clock.now();
  const dueAt = new Date(now.getTime() + deps.erasureGraceDays * DAY_MS);
  await repo.insertErasureRequest(tx, { id: randomUUID(), personId, requestedAt: now, dueAt });
  await audit(tx, deps, null, 'person.erasure_requested', personId, 'erasure', ctx);
  return dueAt;
}

/**
 * The erasure requests of the caller's organisation's people that wait for the city to confirm them (by erasing
 * now on the person's erase page); each is carried out anyway when due. Dates and random ids only, nothing a
 * person told us; still, who asked to be erased is about people, so a list that names anyone is audited (one row
 * per person listed, as a read of them).
 */
export async function pendingErasureRequests(
  deps: { db: Db; clock: Clock },
  actor: StaffActor,
  ctx: RequestContext,
): Promise<{ personId: string; requestedAt: Date; dueAt: Date }[]> {
  return deps.db.transaction(async (tx) => {
    const requests = await repo.listErasureRequests(tx, actor.organisationId, 200);
    for (const request of requests)
      await audit(tx, deps, actor, 'person.erasure_request_listed', request.personId, 'erasure', ctx);
    return requests;
  });
}

export interface RetentionReport {
  /** People erased because their erasure request (/{lang}/my-data) came due. */
  erasedOnRequest: number;
  /** People erased after `PERSON_RETENTION_DAYS` without contact. */
  erasedForAge: number;
  /** Rows of records past their own period (notes, visits, ended consents, closed referrals), per table. */
  rows: Record<string, number>;
}

const BATCH = 500;
const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/**
 * Erases, one person per transaction, each person `next` names until it names nobody new. Each erasure
 * re-checks its condition on the locked row; ids already tried are never tried again, so a person who is
 * kept (they came back meanwhile) cannot make the loop spin.
 */
async function eraseEach(
  deps: PeopleDeps,
  next: () => Promise<string[]>,
  reason: ErasureReason,
  onlyIf: (tx: Tx, person: repo.PersonRow) => Promise<boolean>,
  ctx: RequestContext,
): Promise<number> {
  const tried = new Set<string>();
  let erased = 0;
  for (;;) {
    const batch = (await next()).filter((id) => !tried.has(id));
    if (batch.length === 0) return erased;
    for (const personId of batch) {
      tried.add(personId);
      const done = await deps.db.transaction((tx) =>
        erasePersonNow(tx, deps, personId, reason, null, ctx, (person) => onlyIf(tx, person)),
      );
      if (done) erased++;
    }
  }
}

/**
 * `arrival retention run` and the daily schedule (firewall rule 4), by the periods of the field registry:
 * 1. people whose erasure request came due (the city had `erasureGraceDays` to act on it),
 * 2. people without contact for `PERSON_RETENTION_DAYS`, with everything about them,
 * 3. notes and visits, ended consents and closed referrals past their own periods.
 * Each erased person leaves a deletion record and a `person.erased` audit row (reason as purpose); the rows
 * of step 3 leave one deletion record and one audit row for the run. Nothing personal is in either. Running
 * twice, or beside another run, is harmless: each step only deletes what is still there and still due.
 */
export async function runRetention(deps: PeopleDeps, ctx: RequestContext = {}): Promise<RetentionReport> {
  const now = deps.clock.now();
  const erasedOnRequest = await eraseEach(
    deps,
    () => repo.dueErasureRequests(deps.db, now, BATCH),
    'erasure_requested',
    async (tx, person) => {
      const request = await repo.findErasureRequest(tx, person.id);
      return request !== undefined && request.dueAt.getTime() <= now.getTime();
    },
    ctx,
  );
  const cutoff = daysBefore(now, PERSON_RETENTION_DAYS);
  const erasedForAge = await eraseEach(
    deps,
    () => repo.peopleWithoutContactSince(deps.db, cutoff, BATCH),
    'retention',
    async (_tx, person) => person.lastContactAt.getTime() < cutoff.getTime(),
    ctx,
  );
  const rows = await deps.db.transaction(async (tx) => {
    const deleted = await repo.deleteExpiredRecords(tx, {
      notes: daysBefore(now, PERSONAL_FIELDS.caseNotes.retentionDays),
      visits: daysBefore(now, PERSONAL_FIELDS.visits.retentionDays),
      consents: daysBefore(now, PERSONAL_FIELDS.consents.retentionDays),
      referrals: daysBefore(now, PERSONAL_FIELDS.referrals.retentionDays),
    });
    if (Object.keys(deleted).length > 0) {
      await repo.insertDeletionRecord(tx, {
        id: randomUUID(),
        personId: null,
        organisationId: null,
        reason: 'retention',
        rows: deleted,
        at: now,
      });
      await recordAudit(tx, {
        at: now,
        actor: null,
        action: 'retention.records_deleted',
        objectType: 'retention',
        purpose: 'retention',
        ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
      });
    }
    return deleted;
  });
  return { erasedOnRequest, erasedForAge, rows };
}

/** One line for the operator: counts only, never anything about a person. */
export function describeRetention(report: RetentionReport): string {
  const rows = Object.entries(report.rows)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');
  return (
    `retention: erased ${report.erasedOnRequest + report.erasedForAge} person(s) ` +
    `(${report.erasedOnRequest} on request, ${report.erasedForAge} without contact for ` +
    `${PERSON_RETENTION_DAYS} days); deleted expired records: ${rows || 'none'}`
  );
}
