import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { messageText, startSmtpServer, type TestSmtp } from '../../../test/smtp.ts';
import { createStaff, loggedInCaseworker, type StaffSession } from '../../../test/staff.ts';
import { queryRows } from '../../db/rows.ts';

const EMAIL = 'quixwing.marker@example.org';

describe('messages to the person: their code and consent receipts by email', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let desk: StaffSession;
  let ngoId: string;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await buildTestApp({ mailTransport: smtp.transport() });
    const a = await loggedInCaseworker(t, 'desk@city.example', 'City Helpdesk');
    const b = await createStaff(t, {
      email: 'ngo@ngo.example',
      role: 'caseworker',
      organisation: 'Legal Aid NGO',
    });
    ngoId = b.organisationId;
    desk = a.session;
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const outboxRows = () =>
    queryRows<{ recipient: string; params: unknown; status: string; template: string }>(
      t.database.db,
      sql`select recipient, params, status, template from outbox order by created_at`,
    );

  it('queues the code sealed (no address, no code in the outbox) and sends it in the person’s language', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: desk.headers(true),
      payload: { email: EMAIL, languages: ['uk', 'ru'], sendCode: true },
    });
    expect(created.statusCode).toBe(201);
    const { id, code } = created.json();
    const [queued] = (await outboxRows()).filter((r) => r.template === 'person_code');
    expect(queued?.recipient).toBe(`person:${id}`);
    const stored = JSON.stringify(queued);
    expect(stored).not.toContain(EMAIL);
    expect(stored).not.toContain(code);

    await t.app.outbox.flush();
    const raw = smtp.messages.at(-1) ?? '';
    expect(raw).toContain(EMAIL);
    const text = messageText(raw);
    expect(text).toContain(code);
    expect(text).toContain('/uk/my-data');
    const [sent] = (await outboxRows()).filter((r) => r.template === 'person_code');
    expect(sent?.status).toBe('sent');
    expect(sent?.params).toEqual({});
  });

  it('emails a consent receipt to the address on file when asked', async () => {
    const { id } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/people',
        headers: desk.headers(true),
        payload: { email: EMAIL },
      })
    ).json();
    const consent = await t.app.inject({
      method: 'POST',
      url: `/api/v1/people/${id}/consents`,
      headers: desk.headers(true),
      payload: {
        recipientOrganisationId: ngoId,
        fields: ['displayName'],
        purpose: 'referral',
        expiresAt: '2026-06-30T00:00:00Z',
        explainedIn: 'fr',
        sendReceipt: true,
      },
    });
    expect(consent.statusCode).toBe(201);
    await t.app.outbox.flush();
    const text = messageText(smtp.messages.at(-1) ?? '');
    expect(text).toContain(consent.json().receiptCode);
    expect(text).toContain('Legal Aid NGO');
    expect(text).toContain('2026-06-30');
    expect(text).toContain('/fr/my-data');
  });

  it('drops a queued message when the person is erased before it is sent', async () => {
    // The mail server is down for the first attempt: the message waits for a retry.
    smtp.refuseNext(1);
    const { id } = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/people',
        headers: desk.headers(true),
        payload: { email: 'gone@example.org', sendCode: true },
      })
    ).json();
    await t.app.outbox.flush();
    expect((await outboxRows()).some((r) => r.recipient === `person:${id}` && r.status === 'pending')).toBe(
      true,
    );
    const erased = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/people/${id}`,
      headers: desk.headers(true),
    });
    expect(erased.statusCode).toBe(204);
    const before = smtp.messages.length;
    t.clock.advance(10 * 60_000);
    await t.app.outbox.flush();
    expect(smtp.messages.slice(before).join('')).not.toContain('gone@example.org');
    expect((await outboxRows()).some((r) => r.recipient === `person:${id}`)).toBe(false);
  });
});
