import type { Clock } from '../clock.ts';

/**
 * Runs an action once per key for a while: a second call with the same key — a form submitted twice, a double
 * tap — gets the first call's result (awaited if it is still running) instead of doing the action again. A
 * failed action is forgotten at once, so it can be tried again. The results stay in this process's memory only
 * (never on disk) for `ttlMs`, and at most `capacity` of them, oldest dropped first; with several app nodes each
 * node remembers its own.
 */
export class OncePerKey<T> {
  private readonly runs = new Map<string, { at: number; result: Promise<T> }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly capacity = 1000,
  ) {}

  once(key: string, action: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const known = this.runs.get(key);
    if (known && known.at + this.ttlMs > now) return known.result;
    // A new run goes last, so the map stays oldest first: drop what expired, then the oldest while it is full.
    this.runs.delete(key);
    for (const [k, run] of this.runs) {
      if (run.at + this.ttlMs > now && this.runs.size < this.capacity) break;
      this.runs.delete(k);
    }
    const result = action();
    this.runs.set(key, { at: now, result });
    result.catch(() => {
      if (this.runs.get(key)?.result === result) this.runs.delete(key);
    });
    return result;
  }
}
