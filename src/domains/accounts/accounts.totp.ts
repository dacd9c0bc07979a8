import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';
import type { Keyring } from '../people/index.ts';

const PERIOD = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

/** The `otpauth://` URI an authenticator app enrols from (as a QR code or pasted). */
export function totpUri(secret: string, account: string, issuer: string): string {
  return generateURI({ strategy: 'totp', issuer, label: account, secret, period: PERIOD });
}

/**
 * Checks a 6-digit code at `now`, allowing one step of clock drift either way, and refusing a step at or
 * before `lastStep` (a code is accepted once, RFC 6238 §5.2). Returns the step to store, or undefined.
 */
export function checkTotp(
  secret: string,
  code: string,
  now: Date,
  lastStep: number | null,
): number | undefined {
  if (!/^[0-9]{6}$/.test(code)) return undefined;
  const result = verifySync({
    strategy: 'totp',
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    period: PERIOD,
    epochTolerance: PERIOD,
    ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

/** The code an authenticator shows at `at` (for tests and the enrolment check). */
export function totpCodeAt(secret: string, at: Date): string {
  return generateSync({ strategy: 'totp', secret, epoch: Math.floor(at.getTime() / 1000), period: PERIOD });
}

// Crockford's base32 without I, L, O, U: easy to read aloud and to type.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Ten recovery codes of 10 characters (50 bits each), shown once as `XXXXX-XXXXX`. */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => ALPHABET[b % 32]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export function normaliseRecoveryCode(code: string): string | undefined {
  const plain = code.toUpperCase().replace(/[\s-]/g, '');
  return /^[0-9A-HJKMNP-TV-Z]{10}$/.test(plain) ? plain : undefined;
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(`arrival-recovery:${code}`).digest('hex');
}

/** Binds a sealed TOTP secret to its user: a value copied onto another account fails to open. */
const totpAad = (userId: string) => `totp:${userId}`;

/** What a TOTP secret is stored as: sealed under the deployment key (firewall rule 3 covers staff secrets too). */
export function sealTotpSecret(keyring: Keyring, userId: string, secret: string): string {
  return keyring.sealSystem(secret, totpAad(userId));
}

/**
 * The TOTP secret of a stored value. Secrets written before they were sealed are plain base32 (never `v1.`…,
 * which has a dot and lower case): they are read as they are and `legacy` says to seal them on the next write.
 */
export function openTotpSecret(
  keyring: Keyring,
  userId: string,
  stored: string,
): { secret: string; legacy: boolean } {
  if (!stored.startsWith('v1.')) return { secret: stored, legacy: true };
  return { secret: keyring.openSystem(stored, totpAad(userId)), legacy: false };
}
