import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption per person (firewall rule 3). Each person has a random 256-bit data key; their fields are sealed
 * with AES-256-GCM under it, and the data key is stored wrapped (sealed) under a key derived from the
 * deployment's `ARRIVAL_MASTER_KEY`. Deleting the wrapped key makes every copy of the person's rows unreadable,
 * backups included (rule 4: erasure is crypto-shredding).
 *
 * Every sealed value is bound to where it belongs by the AES-GCM additional data (person id and field name),
 * so a ciphertext copied onto another person or another field fails to open instead of being shown there.
 */

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

export class SealedValueError extends Error {
  constructor() {
    super('A sealed value could not be opened (wrong key, wrong place or tampered)');
    this.name = 'SealedValueError';
  }
}

function derive(masterKey: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `arrival:${info}`, 32));
}

/** AES-256-GCM: `v1.` + base64url(iv ‖ ciphertext ‖ tag). */
export function seal(key: Buffer, plaintext: Buffer | string, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

export function open(key: Buffer, sealed: string, aad: string): Buffer {
  const [version, payload] = sealed.split('.', 2);
  if (version !== VERSION || !payload) throw new SealedValueError();
  const bytes = Buffer.from(payload, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new SealedValueError();
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new SealedValueError();
  }
}

/** What a blind index is kept for: each kind has its own HMAC input domain. */
export type BlindIndexKind = 'phone' | 'email' | 'person-code' | 'receipt-code' | 'disclosure-code';

/** The keys of one deployment, derived from its master key (never stored). */
export interface Keyring {
  /** A fresh data key for a new person, and its wrapped form to store. */
  newDataKey(personId: string): { dataKey: Buffer; wrapped: string };
  unwrapDataKey(personId: string, wrapped: string): Buffer;
  /** Keyed HMAC-SHA256 of a normalised value: equal values match, nobody without the master key can test one. */
  blindIndex(kind: BlindIndexKind, normalised: string): string;
  /** Seals data that belongs to nobody in particular (e.g. an outgoing message), under a deployment key. */
  sealSystem(plaintext: string, aad: string): string;
  openSystem(sealed: string, aad: string): string;
}

export function createKeyring(masterKey: Buffer): Keyring {
  if (masterKey.length !== 32) throw new Error('The master key must be 32 bytes');
  const wrapKey = derive(masterKey, 'wrap-data-key');
  const indexKey = derive(masterKey, 'blind-index');
  const systemKey = derive(masterKey, 'system-seal');
  return {
    newDataKey(personId) {
      const dataKey = randomBytes(DATA_KEY_BYTES);
      return { dataKey, wrapped: seal(wrapKey, dataKey, `person-key:${personId}`) };
    },
    unwrapDataKey(personId, wrapped) {
      return open(wrapKey, wrapped, `person-key:${personId}`);
    },
    blindIndex(kind, normalised) {
      return createHmac('sha256', indexKey).update(`${kind}\u0000${normalised}`).digest('base64url');
    },
    sealSystem(plaintext, aad) {
      return seal(systemKey, plaintext, aad);
    },
    openSystem(sealed, aad) {
      return open(systemKey, sealed, aad).toString('utf8');
    },
  };
}

/** Seals and opens one person's fields under their data key, each bound to the person and the field. */
export interface PersonVault {
  seal(field: string, value: unknown): string;
  open<T = unknown>(field: string, sealed: string): T;
}

export function personVault(personId: string, dataKey: Buffer): PersonVault {
  return {
    seal(field, value) {
      return seal(dataKey, JSON.stringify(value), `${personId}:${field}`);
    },
    open<T>(field: string, sealed: string) {
      return JSON.parse(open(dataKey, sealed, `${personId}:${field}`).toString('utf8')) as T;
    },
  };
}

/** Phone numbers compare by their digits (a leading + kept): "+34 600-12-34" and "+34600123 4" are one number. */
export function normalisePhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  return trimmed.startsWith('+') || trimmed.startsWith('00') ? `+${digits.replace(/^00/, '')}` : digits;
}

export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}
