import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

// OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
// (Algorithm is a const enum, which verbatimModuleSyntax cannot import as a value: 2 is Argon2id.)
const ARGON2ID: Algorithm.Argon2id = 2;
const ARGON2 = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

let common: Set<string> | undefined;
/** The ~49,000 most common passwords (zxcvbn-ts' `passwords-common` list, MIT), lower-cased. */
function commonPasswords(): Set<string> {
  common ??= new Set(
    ((dictionary as Record<string, string[] | undefined>)['passwords-common'] ?? []).map((p) =>
      p.toLowerCase(),
    ),
  );
  return common;
}

export type PasswordProblem = 'PASSWORD_TOO_SHORT' | 'PASSWORD_TOO_LONG' | 'PASSWORD_TOO_COMMON';

/**
 * Why a new password is refused, if it is (NIST SP 800-63B §3.1.1.2: a minimum length and a blocklist, no
 * composition rules). A listed password with digits or symbols added at either end is refused too.
 */
export function passwordProblem(password: string): PasswordProblem | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'PASSWORD_TOO_SHORT';
  if (password.length > MAX_PASSWORD_LENGTH) return 'PASSWORD_TOO_LONG';
  const lower = password.toLowerCase();
  const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, '');
  const list = commonPasswords();
  if (list.has(lower) || (core.length >= 4 && list.has(core))) return 'PASSWORD_TOO_COMMON';
  if (new Set(lower).size <= 2) return 'PASSWORD_TOO_COMMON';
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

let dummy: Promise<string> | undefined;

/**
 * Makes the dummy hash ahead of the first login, so that the first unknown account does not take longer than
 * a wrong password (which would tell the two apart).
 */
export async function warmUpPasswordChecks(): Promise<void> {
  await verifyPassword(undefined, 'warm-up');
}

/**
 * Checks a password against a stored hash. Without one (unknown account) it checks against a dummy hash with
 * the same parameters and answers false, so both take the same time (no account enumeration by timing).
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  dummy ??= hashPassword('arrival dummy password, never valid');
  const against = stored ?? (await dummy);
  let ok = false;
  try {
    ok = await verify(against, password);
  } catch {
    ok = false;
  }
  return ok && stored !== undefined;
}
