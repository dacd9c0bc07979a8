import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Database, type Db, listenOnSoleHandle } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';

/** A public answer as sent: the JSON bytes and their strong ETag. */
export interface CachedAnswer {
  body: Buffer;
  etag: string;
}

export interface AnswerCacheOptions {
  /** At most this many answers are kept (least recently used go first). */
  maxEntries?: number;
  /** At most this many bytes of answers are kept. */
  maxBytes?: number;
}

export interface AnswerCache {
  /**
   * The answer for `key` at the directory's current version: from memory when this version already built it,
   * else from `build` (once, however many requests ask at the same time). Errors are not kept.
   */
  answer(key: string, build: () => Promise<Buffer>): Promise<CachedAnswer>;
}

export function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** The directory's content version (migration 0005: bumped by every write to its tables). */
export async function readDirectoryVersion(db: Db): Promise<bigint> {
  const [row] = await queryRows<{ version: string }>(
    db,
    sql`select version::text as version from directory_version where id = 1`,
  );
  return BigInt(row?.version ?? '0');
}

/** The directory's content version as of a moment after the caller asked (never an older reading). */
export interface DirectoryVersion {
  current(): Promise<bigint>;
}

/**
 * Reads the version once for every request that arrives while no read is running, and makes a request that
 * arrives during a read wait for the next one: a read that began before a request could miss a write committed
 * just before it, so every request is answered from a version read after it arrived.
 */
export function coalescedReads(read: () => Promise<bigint>): DirectoryVersion {
  let running: Promise<bigint> | undefined;
  let queued: Promise<bigint> | undefined;
  const start = (): Promise<bigint> => {
    const current = read().finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };
  return {
    current() {
      if (!running) return start();
      queued ??= running
        .catch(() => undefined)
        .then(() => {
          queued = undefined;
          return running ?? start();
        });
      return queued;
    },
  };
}

/**
 * Where the directory's version comes from. On PostgreSQL other nodes and the CLI write too, so each request reads
 * it (one small query for all the requests that arrive together). On PGlite this process alone has the database
 * (the DATA_DIR lock), so it listens instead: the version trigger notifies on commit, and PGlite delivers the
 * notification before the committing call returns — no query per request.
 */
export async function watchDirectoryVersion(database: Database): Promise<DirectoryVersion> {
  let known: bigint | undefined;
  const keep = (version: bigint) => {
    if (known === undefined || version > known) known = version;
  };
  if (!(await listenOnSoleHandle(database.db, 'directory_version', (payload) => keep(BigInt(payload))))) {
    return coalescedReads(() => readDirectoryVersion(database.db));
  }
  // Read once, at the first request (the app may be built before migrations run), after listening began, so that
  // no write falls between the reading and the listening.
  const first = coalescedReads(() => readDirectoryVersion(database.db));
  return {
    async current() {
      if (known === undefined) keep(await first.current());
      return known ?? 0n;
    },
  };
}

/**
 * A bounded LRU cache of public, non-personal answers (directory searches and services), keyed by the directory's
 * content version and the normalised request, so that an import is seen by the next request on every node.
 */
export function createAnswerCache(version: DirectoryVersion, options: AnswerCacheOptions = {}): AnswerCache {
  const maxEntries = options.maxEntries ?? 1000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  let cachedVersion = -1n;
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, CachedAnswer>();
  const building = new Map<string, Promise<CachedAnswer>>();
  let bytes = 0;

  const store = (key: string, answer: CachedAnswer) => {
    if (answer.body.length > maxBytes) return;
    entries.set(key, answer);
    bytes += answer.body.length;
    for (const [oldKey, old] of entries) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break;
      entries.delete(oldKey);
      bytes -= old.body.length;
    }
  };

  return {
    async answer(key, build) {
      const current = await version.current();
      if (current > cachedVersion) {
        entries.clear();
        building.clear();
        bytes = 0;
        cachedVersion = current;
      }
      // An answer for an older version than the cache holds (a request that waited long) is built, not kept.
      if (current < cachedVersion) return build().then((body) => ({ body, etag: etagOf(body) }));
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const pending = building.get(key);
      if (pending) return pending;
      const built = build().then((body) => {
        const answer = { body, etag: etagOf(body) };
        // Built from data at least as new as `current`; a newer version has cleared the cache meanwhile.
        if (cachedVersion === current) store(key, answer);
        return answer;
      });
      building.set(key, built);
      try {
        return await built;
      } finally {
        if (building.get(key) === built) building.delete(key);
      }
    },
  };
}
