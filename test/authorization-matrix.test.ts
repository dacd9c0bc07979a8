import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberships, openSession, organisations, users } from '../src/domains/accounts/index.ts';
import { hsdsService } from '../src/domains/directory/index.ts';
import { ROLES, type Role, type RouteEntry } from '../src/http/policy.ts';
import { buildTestApp, type TestApp } from './app.ts';

/**
 * Deny by default, checked route by route (firewall rule 6): every route × every role (and no session at all) ×
 * an object of the actor's own organisation and of another one → the status the actor gets. The expected table
 * is reviewed by people and kept in `authorization-matrix.md`; a route missing from it, or a cell that differs,
 * fails the suite. `ARRIVAL_WRITE_MATRIX=1 npx vitest run test/authorization-matrix.test.ts` rewrites it from
 * what the app does, for review in the diff.
 */
const MATRIX_FILE = path.resolve('test/authorization-matrix.md');
const ACTORS = ['anonymous', ...ROLES] as const;
type Actor = (typeof ACTORS)[number];
type Side = 'own' | 'foreign';

interface Fixture {
  t: TestApp;
  organisationOf: Record<Side, string>;
  /** A new user in the organisation of `side` (a target for admin actions). */
  member(side: Side): Promise<string>;
  /** A new session of a user: `actorUserId` for one of the actor's own, else of someone in `side`. */
  session(userId: string, side: Side, role: Role): Promise<{ id: string; cookie: string; csrf: string }>;
  /** A new person recorded by a caseworker of `side`, with a need, a next step and a consent to the other side. */
  person(side: Side): Promise<{ id: string; needId: string; noteId: string; consentId: string }>;
  /** A directory service whose HSDS organization is linked to the organisation of `side` (or a third one). */
  serviceOf: Record<Side | 'spare', string>;
  /** A new person with nothing recorded but their id, of `side`. */
  bareperson(side: Side): Promise<string>;
  /** A new pseudonymous referral sent by a caseworker of `from` to the service of `to`, with its code. */
  referral(from: Side, to: Side | 'spare'): Promise<{ id: string; disclosureCode: string }>;
}

interface Cell {
  fixture: Fixture;
  side: Side;
  actor: { userId: string; role: Role } | undefined;
  asset: string;
}

/** How to call each route; a route the app has but this list lacks fails the suite (add it here and in the table). */
const REQUESTS: Record<string, (cell: Cell) => Promise<InjectOptions> | InjectOptions> = {
  'GET /assets/:name': ({ asset }) => ({ url: `/assets/${asset}` }),
  'GET /healthz': () => ({ url: '/healthz' }),
  'GET /readyz': () => ({ url: '/readyz' }),
  'GET /metrics': () => ({ url: '/metrics' }),
  'GET /api/openapi.json': () => ({ url: '/api/openapi.json' }),
  'GET /api/docs': () => ({ url: '/api/docs' }),
  'GET /': () => ({ url: '/' }),
  'GET /:locale': () => ({ url: '/fr' }),
  'GET /:locale/': () => ({ url: '/fr/' }),
  // The service directory: public pages and the open HSDS API (an unknown id is the same 404 for everyone).
  'GET /sw.js': () => ({ url: '/sw.js' }),
  'GET /:locale/services': () => ({ url: '/fr/services?q=avocat' }),
  'GET /:locale/services/:id': () => ({ url: `/fr/services/${randomUUID()}` }),
  'GET /:locale/kit': () => ({ url: '/fr/kit' }),
  'GET /:locale/kit.pdf': () => ({ url: '/fr/kit.pdf' }),
  'GET /api/hsds': () => ({ url: '/api/hsds' }),
  'GET /api/hsds/': () => ({ url: '/api/hsds/' }),
  'GET /api/hsds/openapi.json': () => ({ url: '/api/hsds/openapi.json' }),
  'GET /api/hsds/profile': () => ({ url: '/api/hsds/profile' }),
  'GET /api/hsds/services': () => ({ url: '/api/hsds/services?search=food' }),
  'GET /api/hsds/services/:id': () => ({ url: `/api/hsds/services/${randomUUID()}` }),
  'GET /api/hsds/organizations': () => ({ url: '/api/hsds/organizations' }),
  'GET /api/hsds/organizations/:id': () => ({ url: `/api/hsds/organizations/${randomUUID()}` }),
  'GET /api/hsds/taxonomies': () => ({ url: '/api/hsds/taxonomies' }),
  'GET /api/hsds/taxonomies/:id': () => ({ url: `/api/hsds/taxonomies/${randomUUID()}` }),
  'GET /api/hsds/taxonomy_terms': () => ({ url: '/api/hsds/taxonomy_terms' }),
  'GET /api/hsds/taxonomy_terms/:id': () => ({ url: `/api/hsds/taxonomy_terms/${randomUUID()}` }),
  'GET /api/hsds/service_at_locations': () => ({ url: '/api/hsds/service_at_locations' }),
  'GET /api/hsds/service_at_locations/:id': () => ({ url: `/api/hsds/service_at_locations/${randomUUID()}` }),
  'POST /api/v1/auth/login': () => ({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: `${randomUUID()}@nowhere.example`, password: 'not a real password' },
  }),
  'POST /api/v1/auth/logout': () => ({ method: 'POST', url: '/api/v1/auth/logout' }),
  'GET /api/v1/auth/session': () => ({ url: '/api/v1/auth/session' }),
  'GET /api/v1/auth/sessions': () => ({ url: '/api/v1/auth/sessions' }),
  'DELETE /api/v1/auth/sessions/:id': async ({ fixture, side, actor }) => {
    // Own: another session of the actor. Foreign: a session of someone in another organisation.
    const target =
      side === 'own' && actor
        ? await fixture.session(actor.userId, 'own', actor.role)
        : await fixture.session(await fixture.member('foreign'), 'foreign', 'caseworker');
    return { method: 'DELETE', url: `/api/v1/auth/sessions/${target.id}` };
  },
  'GET /api/v1/organisations': () => ({ url: '/api/v1/organisations' }),
  'POST /api/v1/organisations': () => ({
    method: 'POST',
    url: '/api/v1/organisations',
    payload: { name: `Org ${randomUUID()}` },
  }),
  'GET /api/v1/organisations/:id/members': ({ fixture, side }) => ({
    url: `/api/v1/organisations/${fixture.organisationOf[side]}/members`,
  }),
  'POST /api/v1/users/:id/disable': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/api/v1/users/${await fixture.member(side)}/disable`,
  }),
  'POST /api/v1/organisations/:id/invitations': ({ fixture, side }) => ({
    method: 'POST',
    url: `/api/v1/organisations/${fixture.organisationOf[side]}/invitations`,
    payload: { email: `${randomUUID()}@invited.example`, role: 'caseworker' },
  }),
  'POST /api/v1/invitations/accept': () => ({
    method: 'POST',
    url: '/api/v1/invitations/accept',
    payload: { token: 'A'.repeat(43), password: 'a long enough passphrase 1' },
  }),
  'GET /api/v1/audit': () => ({ url: '/api/v1/audit' }),
  'GET /staff': () => ({ url: '/staff' }),
  'GET /staff/': () => ({ url: '/staff/' }),
  'GET /staff/login': () => ({ url: '/staff/login' }),
  'POST /staff/login': () => ({
    method: 'POST',
    url: '/staff/login',
    // The form's double-submit token, as the login page sets it.
    headers: { cookie: `arrival_login_csrf=${'b'.repeat(22)}` },
    payload: {
      email: `${randomUUID()}@nowhere.example`,
      password: 'not a real password',
      _csrf: 'b'.repeat(22),
    },
  }),
  'POST /staff/logout': () => ({ method: 'POST', url: '/staff/logout' }),
  'GET /staff/sessions': () => ({ url: '/staff/sessions' }),
  'POST /staff/sessions/:id/end': async ({ fixture, side, actor }) => {
    const target =
      side === 'own' && actor
        ? await fixture.session(actor.userId, 'own', actor.role)
        : await fixture.session(await fixture.member('foreign'), 'foreign', 'caseworker');
    return { method: 'POST', url: `/staff/sessions/${target.id}/end` };
  },
  'GET /staff/recovery-codes': () => ({ url: '/staff/recovery-codes' }),
  'POST /staff/recovery-codes': () => ({ method: 'POST', url: '/staff/recovery-codes' }),
  'GET /staff/organisation': () => ({ url: '/staff/organisation' }),
  'GET /staff/organisations/:id': ({ fixture, side }) => ({
    url: `/staff/organisations/${fixture.organisationOf[side]}`,
  }),
  'POST /staff/organisations/:id/invitations': ({ fixture, side }) => ({
    method: 'POST',
    url: `/staff/organisations/${fixture.organisationOf[side]}/invitations`,
    payload: { email: `${randomUUID()}@invited.example`, role: 'caseworker' },
  }),
  'POST /staff/users/:id/disable': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/staff/users/${await fixture.member(side)}/disable`,
    payload: { organisationId: fixture.organisationOf[side] },
  }),
  'GET /staff/invitations/:token': () => ({ url: `/staff/invitations/${'A'.repeat(43)}` }),
  'POST /staff/invitations/:token': () => ({
    method: 'POST',
    url: `/staff/invitations/${'A'.repeat(43)}`,
    payload: { password: 'a long enough passphrase 1' },
  }),
  'GET /staff/audit': () => ({ url: '/staff/audit' }),
  'GET /api/v1/audit/export.csv': () => ({ url: '/api/v1/audit/export.csv' }),
  // People and consents: an object of the actor's own organisation, or of another one (which has given the
  // actor's organisation no consent: the foreign person's consent names the foreign side's other party only).
  'POST /api/v1/people': () => ({
    method: 'POST',
    url: '/api/v1/people',
    payload: { displayName: 'Matrix' },
  }),
  'POST /api/v1/people/lookup': () => ({
    method: 'POST',
    url: '/api/v1/people/lookup',
    payload: { phone: '+34 600 000 000' },
  }),
  'GET /api/v1/people/:id': async ({ fixture, side }) => ({
    url: `/api/v1/people/${(await fixture.person(side)).id}`,
  }),
  'PATCH /api/v1/people/:id': async ({ fixture, side }) => ({
    method: 'PATCH',
    url: `/api/v1/people/${(await fixture.person(side)).id}`,
    payload: { displayName: 'Changed' },
  }),
  'DELETE /api/v1/people/:id': async ({ fixture, side }) => ({
    method: 'DELETE',
    url: `/api/v1/people/${(await fixture.person(side)).id}`,
  }),
  'POST /api/v1/people/:id/code': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/api/v1/people/${(await fixture.person(side)).id}/code`,
  }),
  'POST /api/v1/people/:id/needs': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/api/v1/people/${(await fixture.person(side)).id}/needs`,
    payload: { needs: ['housing'] },
  }),
  'PATCH /api/v1/people/:id/needs/:needId': async ({ fixture, side }) => {
    const person = await fixture.person(side);
    return {
      method: 'PATCH',
      url: `/api/v1/people/${person.id}/needs/${person.needId}`,
      payload: { status: 'met' },
    };
  },
  'POST /api/v1/people/:id/notes': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/api/v1/people/${(await fixture.person(side)).id}/notes`,
    payload: { body: 'Came back for the appointment.' },
  }),
  'POST /api/v1/people/:id/notes/:noteId/done': async ({ fixture, side }) => {
    const person = await fixture.person(side);
    return { method: 'POST', url: `/api/v1/people/${person.id}/notes/${person.noteId}/done` };
  },
  'POST /api/v1/people/:id/visits': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/api/v1/people/${(await fixture.person(side)).id}/visits`,
    payload: {},
  }),
  'POST /api/v1/people/:id/consents': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/api/v1/people/${(await fixture.person(side)).id}/consents`,
    payload: {
      recipientOrganisationId: fixture.organisationOf[side === 'own' ? 'foreign' : 'own'],
      fields: ['displayName'],
      purpose: 'referral',
      expiresAt: new Date(fixture.t.clock.now().getTime() + 30 * 86_400_000).toISOString(),
    },
  }),
  'POST /api/v1/consents/:id/revoke': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/api/v1/consents/${(await fixture.person(side)).consentId}/revoke`,
  }),
  // The helpdesk's pages over the same services: the same answers, as pages and redirects (Post/Redirect/Get).
  'GET /staff/people': () => ({ url: '/staff/people' }),
  'POST /staff/people/lookup': () => ({
    method: 'POST',
    url: '/staff/people/lookup',
    payload: { phone: '+34 600 000 000' },
  }),
  'GET /staff/people/new': () => ({ url: '/staff/people/new' }),
  'POST /staff/people/new': () => ({
    method: 'POST',
    url: '/staff/people/new',
    payload: { displayName: 'Matrix', needs: 'food' },
  }),
  'GET /staff/people/:id': async ({ fixture, side }) => ({
    url: `/staff/people/${(await fixture.person(side)).id}`,
  }),
  'GET /staff/people/:id/edit': async ({ fixture, side }) => ({
    url: `/staff/people/${(await fixture.person(side)).id}/edit`,
  }),
  'POST /staff/people/:id/edit': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/staff/people/${(await fixture.person(side)).id}/edit`,
    payload: { displayName: 'Changed' },
  }),
  'POST /staff/people/:id/needs': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/staff/people/${(await fixture.person(side)).id}/needs`,
    payload: { needs: ['housing'] },
  }),
  'POST /staff/people/:id/needs/:needId': async ({ fixture, side }) => {
    const person = await fixture.person(side);
    return {
      method: 'POST',
      url: `/staff/people/${person.id}/needs/${person.needId}`,
      payload: { status: 'met' },
    };
  },
  'POST /staff/people/:id/notes': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/staff/people/${(await fixture.person(side)).id}/notes`,
    payload: { kind: 'note', body: 'Came back for the appointment.' },
  }),
  'POST /staff/people/:id/notes/:noteId/done': async ({ fixture, side }) => {
    const person = await fixture.person(side);
    return { method: 'POST', url: `/staff/people/${person.id}/notes/${person.noteId}/done`, payload: {} };
  },
  'POST /staff/people/:id/visits': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/staff/people/${(await fixture.person(side)).id}/visits`,
    payload: {},
  }),
  'POST /staff/people/:id/code': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/staff/people/${(await fixture.person(side)).id}/code`,
    payload: {},
  }),
  'GET /staff/people/:id/consents/new': async ({ fixture, side }) => ({
    url: `/staff/people/${(await fixture.person(side)).id}/consents/new`,
  }),
  'POST /staff/people/:id/consents': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/staff/people/${(await fixture.person(side)).id}/consents`,
    payload: {
      recipientOrganisationId: fixture.organisationOf[side === 'own' ? 'foreign' : 'own'],
      fields: ['displayName'],
      purpose: 'referral',
      expiresOn: new Date(fixture.t.clock.now().getTime() + 30 * 86_400_000).toISOString().slice(0, 10),
      attested: 'yes',
    },
  }),
  'POST /staff/people/:id/consents/:consentId/revoke': async ({ fixture, side }) => {
    const person = await fixture.person(side);
    return {
      method: 'POST',
      url: `/staff/people/${person.id}/consents/${person.consentId}/revoke`,
      payload: {},
    };
  },
  'GET /staff/people/:id/erase': async ({ fixture, side }) => ({
    url: `/staff/people/${(await fixture.person(side)).id}/erase`,
  }),
  'POST /staff/people/:id/erase': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/staff/people/${(await fixture.person(side)).id}/erase`,
    payload: {},
  }),
  // The person's own page: a code nobody holds is 404 for everyone.
  'POST /api/v1/my-data': () => ({
    method: 'POST',
    url: '/api/v1/my-data',
    payload: { code: 'K7Q-4M2-XPB' },
  }),
  'POST /api/v1/my-data/revoke': () => ({
    method: 'POST',
    url: '/api/v1/my-data/revoke',
    payload: { receiptCode: 'K7Q-4M2-XPB' },
  }),
  // Referrals: own = one the actor's organisation sent (or, to disclose, received); foreign = one between two
  // other organisations. Capacity: of a service of the actor's organisation, or of another's.
  'POST /api/v1/referrals': async ({ fixture, side }) => ({
    method: 'POST',
    url: '/api/v1/referrals',
    payload: {
      personId: await fixture.bareperson(side),
      serviceId: fixture.serviceOf.spare,
      pseudonymous: true,
    },
  }),
  'GET /api/v1/referrals': () => ({ url: '/api/v1/referrals?box=received' }),
  'GET /api/v1/referrals/summary': () => ({ url: '/api/v1/referrals/summary' }),
  'GET /api/v1/referrals/:id': async ({ fixture, side }) => ({
    url: `/api/v1/referrals/${(await fixture.referral(side, 'spare')).id}`,
  }),
  'POST /api/v1/referrals/:id/status': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/api/v1/referrals/${(await fixture.referral(side, 'spare')).id}/status`,
    payload: { status: 'cancelled' },
  }),
  'POST /api/v1/referrals/:id/disclose': async ({ fixture, side }) => {
    const referral = await fixture.referral('foreign', side === 'own' ? 'own' : 'spare');
    return {
      method: 'POST',
      url: `/api/v1/referrals/${referral.id}/disclose`,
      payload: { code: referral.disclosureCode },
    };
  },
  'GET /api/v1/services/:id/capacity': ({ fixture, side }) => ({
    url: `/api/v1/services/${fixture.serviceOf[side]}/capacity`,
  }),
  'PUT /api/v1/services/:id/capacity': ({ fixture, side }) => ({
    method: 'PUT',
    url: `/api/v1/services/${fixture.serviceOf[side]}/capacity`,
    payload: { accepting: true, waitingDays: 3 },
  }),
  // The referral pages over the same services: the same answers, as pages and redirects (Post/Redirect/Get).
  'GET /staff/people/:id/refer': async ({ fixture, side }) => {
    const person = await fixture.person(side);
    return { url: `/staff/people/${person.id}/refer?need=${person.needId}` };
  },
  'POST /staff/people/:id/refer': async ({ fixture, side }) => {
    const person = await fixture.person(side);
    return {
      method: 'POST',
      url: `/staff/people/${person.id}/refer`,
      payload: { needId: person.needId, serviceId: fixture.serviceOf.spare, share: 'pseudonymous' },
    };
  },
  'GET /staff/referrals': () => ({ url: '/staff/referrals' }),
  'GET /staff/referrals/:id': async ({ fixture, side }) => ({
    url: `/staff/referrals/${(await fixture.referral(side, 'spare')).id}`,
  }),
  'POST /staff/referrals/:id/status': async ({ fixture, side }) => ({
    method: 'POST',
    url: `/staff/referrals/${(await fixture.referral(side, 'spare')).id}/status`,
    payload: { status: 'cancelled' },
  }),
  'POST /staff/referrals/:id/disclose': async ({ fixture, side }) => {
    const referral = await fixture.referral('foreign', side === 'own' ? 'own' : 'spare');
    return {
      method: 'POST',
      url: `/staff/referrals/${referral.id}/disclose`,
      payload: { code: referral.disclosureCode },
    };
  },
  'GET /staff/services/capacity': () => ({ url: '/staff/services/capacity' }),
  'POST /staff/services/capacity/:id': ({ fixture, side }) => ({
    method: 'POST',
    url: `/staff/services/capacity/${fixture.serviceOf[side]}`,
    payload: { accepting: 'yes', waitingDays: '3' },
  }),
  'POST /api/v1/my-data/erasure': () => ({
    method: 'POST',
    url: '/api/v1/my-data/erasure',
    payload: { code: 'K7Q-4M2-XPB' },
  }),
  // The privacy page and the person's own pages: public; a code nobody holds is the same 404 page for everyone.
  'GET /:locale/privacy': () => ({ url: '/fr/privacy' }),
  'GET /:locale/my-data': () => ({ url: '/fr/my-data' }),
  'POST /:locale/my-data': () => ({
    method: 'POST',
    url: '/fr/my-data',
    payload: { code: 'K7Q-4M2-XPB' },
  }),
  'POST /:locale/my-data/revoke': async ({ fixture, side }) => ({
    method: 'POST',
    url: '/fr/my-data/revoke',
    payload: { code: 'K7Q-4M2-XPB', consentId: (await fixture.person(side)).consentId },
  }),
  'POST /:locale/my-data/erasure': () => ({
    method: 'POST',
    url: '/fr/my-data/erasure',
    payload: { code: 'K7Q-4M2-XPB' },
  }),
};

const routeKey = (r: RouteEntry) => `${r.method} ${r.url}`;

function formatCell(own: number, foreign: number): string {
  return own === foreign ? String(own) : `${own}/${foreign}`;
}

type Matrix = Map<string, { policy: string; cells: Record<Actor, string> }>;

function readMatrix(): Matrix {
  const matrix: Matrix = new Map();
  if (!existsSync(MATRIX_FILE)) return matrix;
  for (const line of readFileSync(MATRIX_FILE, 'utf8').split('\n')) {
    const m = /^\| `([A-Z]+ [^`]+)` \| `([^`]+)` \|(.*)\|$/.exec(line.trim());
    if (!m) continue;
    const values = (m[3] ?? '').split('|').map((v) => v.trim());
    const cells = Object.fromEntries(ACTORS.map((a, i) => [a, values[i] ?? ''])) as Record<Actor, string>;
    matrix.set(m[1] ?? '', { policy: m[2] ?? '', cells });
  }
  return matrix;
}

function writeMatrix(matrix: Matrix): void {
  const lines = [
    '# Authorization matrix',
    '',
    'Reviewed by people; checked by `test/authorization-matrix.test.ts` against the running app. Each cell is the',
    'HTTP status an actor gets: one number when it is the same for an object of their own organisation and of',
    'another one, else `own/foreign`. `anonymous` has no session. Writes carry a valid CSRF token. A foreign',
    'object must give the same 404 as a missing one. A route missing here fails the suite.',
    '',
    `| route | policy | ${ACTORS.join(' | ')} |`,
    `|---|---|${ACTORS.map(() => '---').join('|')}|`,
  ];
  for (const [route, row] of [...matrix.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`| \`${route}\` | \`${row.policy}\` | ${ACTORS.map((a) => row.cells[a]).join(' | ')} |`);
  }
  writeFileSync(MATRIX_FILE, `${lines.join('\n')}\n`);
}

describe('authorization matrix', () => {
  let t: TestApp;
  let fixture: Fixture;
  let actors: Record<Role, string>;
  let asset: string;
  beforeAll(async () => {
    // Hundreds of requests from one address: the per-source limit is not what this test is about.
    t = await buildTestApp({ rateLimitPerMinute: 100_000, codeRateLimitPerMinute: 100_000 });
    const db = t.database.db;
    const now = t.clock.now();
    const organisationOf = { own: randomUUID(), foreign: randomUUID() };
    const names = { own: 'Own Organisation', foreign: 'Foreign Organisation' };
    // Each organisation publishes one service in the directory, so referrals can be sent to it.
    const serviceOf = { own: randomUUID(), foreign: randomUUID(), spare: randomUUID() };
    for (const side of ['own', 'foreign'] as const) {
      await db.insert(organisations).values({
        id: organisationOf[side],
        name: names[side],
        hsdsOrganizationId: `hsds-${side}`,
        createdAt: now,
      });
    }
    // A third organisation that the foreign side's people consent to: never the actor's own.
    const spareOrganisation = randomUUID();
    await db.insert(organisations).values({
      id: spareOrganisation,
      name: 'Spare Organisation',
      hsdsOrganizationId: 'hsds-spare',
      createdAt: now,
    });
    for (const [side, id] of Object.entries(serviceOf)) {
      await db.insert(hsdsService).values({ id, organizationId: `hsds-${side}`, name: `Service of ${side}` });
    }
    const addUser = async (side: Side, role: Role) => {
      const id = randomUUID();
      await db.insert(users).values({
        id,
        email: `${id}@staff.example`,
        passwordHash: 'unused: sessions are opened directly',
        createdAt: now,
      });
      await db
        .insert(memberships)
        .values({ userId: id, organisationId: organisationOf[side], role, createdAt: now });
      return id;
    };
    // One caseworker per side records the people and sends the referrals that fixtures need.
    const senders: Partial<Record<Side, { cookie: string; csrf: string }>> = {};
    const senderCall = async (side: Side, url: string, payload: object) => {
      senders[side] ??= await fixture.session(await fixture.member(side), side, 'caseworker');
      const { cookie, csrf } = senders[side];
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'x-csrf-token': csrf },
        payload,
      });
      if (res.statusCode !== 201) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    fixture = {
      t,
      organisationOf,
      member: (side) => addUser(side, 'caseworker'),
      async session(userId, side, role) {
        const opened = await db.transaction((tx) =>
          openSession(
            tx,
            t.clock.now(),
            { id: userId, email: `${userId}@staff.example` },
            { organisationId: organisationOf[side], organisationName: names[side], role },
            {},
          ),
        );
        return {
          id: opened.actor.sessionId,
          cookie: `arrival_session=${opened.token}`,
          csrf: opened.actor.csrfToken,
        };
      },
      async person(side) {
        const caseworker = await fixture.session(await fixture.member(side), side, 'caseworker');
        const headers = { cookie: caseworker.cookie, 'x-csrf-token': caseworker.csrf };
        const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
          const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
          if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
          return res.json();
        };
        const { id } = await call('POST', '/api/v1/people', { displayName: 'Fixture', needs: ['legal'] });
        const person = await call('GET', `/api/v1/people/${id}`);
        const note = await call('POST', `/api/v1/people/${id}/notes`, {
          kind: 'next_step',
          body: 'Call back',
        });
        const consent = await call('POST', `/api/v1/people/${id}/consents`, {
          recipientOrganisationId: side === 'own' ? organisationOf.foreign : spareOrganisation,
          fields: ['displayName'],
          purpose: 'follow_up',
          expiresAt: new Date(t.clock.now().getTime() + 30 * 86_400_000).toISOString(),
        });
        return { id, needId: person.needs[0].id, noteId: note.id, consentId: consent.id };
      },
      serviceOf,
      async bareperson(side) {
        return (await senderCall(side, '/api/v1/people', {})).id;
      },
      async referral(from, to) {
        const personId = await fixture.bareperson(from);
        return senderCall(from, '/api/v1/referrals', {
          personId,
          serviceId: serviceOf[to],
          pseudonymous: true,
        });
      },
    };
    actors = Object.fromEntries(
      await Promise.all(ROLES.map(async (r) => [r, await addUser('own', r)])),
    ) as Record<Role, string>;
    asset = /\/assets\/(app\.[0-9a-f]+\.css)/.exec((await t.app.inject('/en/')).body)?.[1] ?? 'missing';
  });
  afterAll(async () => {
    await t?.close();
  });

  async function observe(route: RouteEntry): Promise<Record<Actor, string>> {
    const build = REQUESTS[routeKey(route)];
    if (!build) throw new Error(`No request for ${routeKey(route)} in REQUESTS`);
    const cells = {} as Record<Actor, string>;
    for (const who of ACTORS) {
      const statuses: number[] = [];
      for (const side of ['own', 'foreign'] as const) {
        const actor = who === 'anonymous' ? undefined : { userId: actors[who], role: who };
        const session = actor ? await fixture.session(actor.userId, 'own', actor.role) : undefined;
        const options = await build({ fixture, side, actor, asset });
        const cookies = [session?.cookie, options.headers?.cookie].filter(Boolean).join('; ');
        const res = await t.app.inject({
          ...options,
          headers: {
            ...(cookies ? { cookie: cookies } : {}),
            ...(session ? { 'x-csrf-token': session.csrf } : {}),
            accept: 'application/json',
          },
        });
        statuses.push(res.statusCode);
      }
      cells[who] = formatCell(statuses[0] ?? 0, statuses[1] ?? 0);
    }
    return cells;
  }

  it('has a reviewed row for every route, and a route for every row', () => {
    const routes = t.app.routeTable.map(routeKey).sort();
    const documented = [...readMatrix().keys()].sort();
    if (process.env.ARRIVAL_WRITE_MATRIX) return;
    expect(
      routes.filter((r) => !documented.includes(r)),
      'routes without a row',
    ).toEqual([]);
    expect(
      documented.filter((r) => !routes.includes(r)),
      'rows without a route',
    ).toEqual([]);
    expect(
      routes.filter((r) => !(r in REQUESTS)),
      'routes without a request in REQUESTS',
    ).toEqual([]);
  });

  it('gives every actor exactly the status the table says, on every route', async () => {
    const expected = readMatrix();
    const observed: Matrix = new Map();
    for (const route of t.app.routeTable) {
      observed.set(routeKey(route), { policy: route.policy.name, cells: await observe(route) });
    }
    if (process.env.ARRIVAL_WRITE_MATRIX) {
      writeMatrix(observed);
      return;
    }
    const differences: string[] = [];
    for (const [route, row] of observed) {
      const want = expected.get(route);
      if (!want) continue; // reported by the test above
      if (want.policy !== row.policy)
        differences.push(`${route}: policy ${row.policy}, table says ${want.policy}`);
      for (const a of ACTORS) {
        if (want.cells[a] !== row.cells[a])
          differences.push(`${route} as ${a}: got ${row.cells[a]}, table says ${want.cells[a]}`);
      }
    }
    expect(differences).toEqual([]);
    // Some 5 000 requests: about 2.5 minutes alone, more while other suites share the machine's cores.
  }, 600_000);

  it('never lets a staff route answer 2xx without a session, nor a foreign object differ from a missing one', () => {
    const matrix = readMatrix();
    const publicRoutes = new Set(
      t.app.routeTable.filter((r) => r.policy.audience === 'public').map(routeKey),
    );
    for (const [route, row] of matrix) {
      if (publicRoutes.has(route)) continue;
      expect(row.cells.anonymous, route).toBe('401');
      for (const role of ROLES) {
        const foreign = row.cells[role].split('/')[1];
        if (foreign) expect(['404', '403'], `${route} as ${role}`).toContain(foreign);
      }
    }
  });
});
