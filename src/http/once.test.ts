import { describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.ts';
import { OncePerKey } from './once.ts';

describe('OncePerKey', () => {
  it('gives a second call with the same key the first call’s result, even while it still runs', async () => {
    const once = new OncePerKey<number>(fixedClock(new Date('2026-01-01T00:00:00Z')), 60_000);
    let runs = 0;
    let finish: (n: number) => void = () => {};
    const slow = () => {
      runs += 1;
      return new Promise<number>((resolve) => {
        finish = resolve;
      });
    };
    const first = once.once('form-1', slow);
    const second = once.once('form-1', slow);
    finish(7);
    expect(await Promise.all([first, second])).toEqual([7, 7]);
    expect(runs).toBe(1);
    expect(await once.once('form-2', async () => 8)).toBe(8);
  });

  it('forgets a failed call, so that it can be tried again', async () => {
    const once = new OncePerKey<string>(fixedClock(new Date('2026-01-01T00:00:00Z')), 60_000);
    await expect(once.once('k', async () => Promise.reject(new Error('database down')))).rejects.toThrow();
    expect(await once.once('k', async () => 'recorded')).toBe('recorded');
  });

  it('forgets a key after its time, and the oldest keys beyond its capacity', async () => {
    const clock = fixedClock(new Date('2026-01-01T00:00:00Z'));
    const once = new OncePerKey<number>(clock, 60_000, 2);
    expect(await once.once('a', async () => 1)).toBe(1);
    clock.advance(60_001);
    expect(await once.once('a', async () => 2)).toBe(2);
    await once.once('b', async () => 3);
    await once.once('c', async () => 4);
    // 'a' was the oldest of three with room for two.
    expect(await once.once('a', async () => 5)).toBe(5);
    expect(await once.once('c', async () => 6)).toBe(4);
  });
});
