import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit';

/** Keys a store remembers; past this, the least recently counted key is forgotten (as the plugin's own store). */
const CAPACITY = 5000;

/**
 * The rate-limit store of the app: a fixed window per key, like @fastify/rate-limit's own LocalStore, except that
 * routes naming the same `groupId` in their `rateLimit` config share one counter per source. The plugin gives
 * every route with its own config a store of its own (`child`), so without this a source could make `max`
 * guesses on each route of a group: 10 codes a minute on the my-data page and 10 more on each of its API routes.
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
 * The rate limit of the routes that take a code a person holds, one counter per source for each kind of door:
 * `my-data` (the person's own page and its JSON API: look up, revoke, erase — anonymous, the guessing surface)
 * and `disclosure` (the receiving staff entering a person's one-time code, on the page or the API). Guessing is
 * as slow on all the routes of a kind as on any one of them; staff entering codes at an NGO are not slowed by
 * someone guessing on the public page from the same address.
 */
export function codeGuessRateLimit(maxPerMinute: number, kind: 'my-data' | 'disclosure') {
  return { max: maxPerMinute, timeWindow: '1 minute', groupId: `${kind}-code-guess` } as const;
}

/**
 * The rate limit of the routes where a password or an invitation token is tried: the JSON API's and the staff
 * pages' route of one `kind` share one counter per source, so both doors together allow `maxPerMinute`.
 */
export function passwordGuessRateLimit(maxPerMinute: number, kind: 'login' | 'invitation') {
  return { max: maxPerMinute, timeWindow: '1 minute', groupId: `${kind}-guess` } as const;
}
