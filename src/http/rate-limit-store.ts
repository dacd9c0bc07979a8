import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit';

/** Keys a store remembers; past this, the least recently counted key is forgotten (as the plugin's own store). */
const CAPACITY = 5000;

/**
 * The rate-limit store of the app: a fixed window per key, like @fastify/rate-limit's own LocalStore, except that
 * routes naming the same `groupId` in their `rateLimit` config share one counter per source. The plugin gives
 * every route with its own config a store of its own (`child`), so without this a source could make `max`
 * guesses on each route of a group: 10 codes a minute on the my-data page, 10 more on its API, 10 on each
 * disclosure route.
 */
export class GroupedRateLimitStore implements FastifyRateLimitStore {
  private readonly windows = new Map<string, { current: number; startMs: number }>();

  constructor(
    _options?: FastifyRateLimitOptions,
    private readonly groups = new Map<string, GroupedRateLimitStore>(),
  ) {}

  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
  ): void {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.startMs + timeWindow <= now) window = { current: 0, startMs: now };
    window.current += 1;
    // Re-inserted, so that Map order is least recently counted first.
    this.windows.delete(key);
    this.windows.set(key, window);
    if (this.windows.size > CAPACITY) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
    callback(null, { current: window.current, ttl: window.startMs + timeWindow - now });
  }

  /** `params`: the route's rate-limit config merged with the global one, as the plugin passes it. */
  child(params: object): FastifyRateLimitStore {
    const groupId = 'groupId' in params && typeof params.groupId === 'string' ? params.groupId : undefined;
    if (!groupId) return new GroupedRateLimitStore(undefined, this.groups);
    let shared = this.groups.get(groupId);
    if (!shared) {
      shared = new GroupedRateLimitStore(undefined, this.groups);
      this.groups.set(groupId, shared);
    }
    return shared;
  }
}

/**
 * The rate limit of every route that takes a code a person holds (Arrival code, receipt code, one-time
 * disclosure code): one counter per source across all of them, so guessing is as slow as on any one route.
 */
export function codeGuessRateLimit(maxPerMinute: number) {
  return { max: maxPerMinute, timeWindow: '1 minute', groupId: 'code-guess' } as const;
}

/**
 * The rate limit of the routes where a password or an invitation token is tried: the JSON API's and the staff
 * pages' route of one `kind` share one counter per source, so both doors together allow `maxPerMinute`.
 */
export function passwordGuessRateLimit(maxPerMinute: number, kind: 'login' | 'invitation') {
  return { max: maxPerMinute, timeWindow: '1 minute', groupId: `${kind}-guess` } as const;
}
