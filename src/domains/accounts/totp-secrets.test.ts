import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app.ts';
import { createStaff, logInAs } from '../../../test/staff.ts';
import { queryRows } from '../../db/rows.ts';

describe('TOTP secrets are stored sealed under the deployment key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const storedSecret = async (userId: string) =>
    (
      await queryRows<{ totp_secret: string | null }>(
        t.database.db,
        sql`select totp_secret from users where id = ${userId}`,
      )
    )[0]?.totp_secret;

  it('keeps no readable secret in the database, and logs in with the code from the authenticator', async () => {
    const staff = await createStaff(t, {
      email: 'sealed@totp.example',
      role: 'caseworker',
      organisation: 'Org',
    });
    const stored = await storedSecret(staff.userId);
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(String(staff.totpSecret));
    await expect(logInAs(t, staff)).resolves.toMatchObject({ csrfToken: expect.any(String) });
  });

  it('still accepts a secret stored before sealing, and seals it at the next login', async () => {
    const staff = await createStaff(t, {
      email: 'legacy@totp.example',
      role: 'caseworker',
      organisation: 'Org',
    });
    const plain = String(staff.totpSecret);
    await t.database.db.execute(sql`update users set totp_secret = ${plain} where id = ${staff.userId}`);
    await logInAs(t, staff);
    const resealed = await storedSecret(staff.userId);
    expect(resealed).toMatch(/^v1\./);
    expect(resealed).not.toContain(plain);
    // And the sealed value goes on working.
    await expect(logInAs(t, staff)).resolves.toMatchObject({ csrfToken: expect.any(String) });
  });

  it('does not take a sealed secret copied onto another account', async () => {
    const a = await createStaff(t, { email: 'a@totp.example', role: 'caseworker', organisation: 'Org' });
    const b = await createStaff(t, { email: 'b@totp.example', role: 'caseworker', organisation: 'Org' });
    await t.database.db.execute(
      sql`update users set totp_secret = (select totp_secret from users where id = ${a.userId}) where id = ${b.userId}`,
    );
    // b's authenticator, or a's code, opens nothing: the sealed value is bound to a's account.
    await expect(logInAs(t, { ...b, totpSecret: String(a.totpSecret) })).rejects.toThrow(
      /login of b@totp\.example failed: 401 .*TOTP_INVALID/,
    );
    // Its recovery codes still let b in.
    const recovered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: b.email, password: b.password, totp: b.recoveryCodes[0] },
    });
    expect(recovered.statusCode, recovered.body).toBe(200);
  });
});
