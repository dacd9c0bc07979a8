import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { describe, expect, it } from 'vitest';
import { GroupedRateLimitStore } from './rate-limit-store.ts';

const count = (store: FastifyRateLimitStore, key: string, windowMs = 60_000) =>
  new Promise<number>((resolve, reject) =>
    store.incr(
      key,
      (error, result) => (error || !result ? reject(error) : resolve(result.current)),
      windowMs,
      10,
    ),
  );

describe('GroupedRateLimitStore', () => {
  it('shares one counter between the routes of a group, and keeps other routes apart', async () => {
    const root = new GroupedRateLimitStore();
    const pageOfGroup = root.child({ groupId: 'my-data-code-guess' });
    const apiOfGroup = root.child({ groupId: 'my-data-code-guess' });
    const otherGroup = root.child({ groupId: 'disclosure-code-guess' });
    const ungrouped = root.child({});
    expect(await count(pageOfGroup, '10.0.0.1')).toBe(1);
    expect(await count(apiOfGroup, '10.0.0.1')).toBe(2);
    expect(await count(otherGroup, '10.0.0.1')).toBe(1);
    expect(await count(ungrouped, '10.0.0.1')).toBe(1);
    expect(await count(root.child({}), '10.0.0.1')).toBe(1);
    expect(await count(apiOfGroup, '10.0.0.2')).toBe(1);
  });

  it('starts a new window once the last one has passed', async () => {
    const store = new GroupedRateLimitStore();
    expect(await count(store, 'k', 20)).toBe(1);
    expect(await count(store, 'k', 20)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await count(store, 'k', 20)).toBe(1);
  });
});
