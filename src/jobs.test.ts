import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../test/app.ts';
import { createStaff, logInAs } from '../test/staff.ts';
import { queryRows } from './db/rows.ts';
import { createKeyring } from './domains/people/index.ts';
import { DAY_MS, dailyJobs, type ScheduledJob, startSchedule, type Timers } from './jobs.ts';

/** Timers fired by the test, never by the wall clock. */
function manualTimers() {
  const pending = new Map<number, { run: () => void; ms: number }>();
  let last = 0;
  const timers: Timers & { pending: typeof pending; fire(): void } = {
    pending,
    setTimeout(run, ms) {
      last += 1;
      pending.set(last, { run, ms });
      return last;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
    fire() {
      const [first] = pending;
      if (!first) throw new Error('no timer is pending');
      pending.delete(first[0]);
      first[1].run();
    },
  };
  return timers;
}

function captureLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  return {
    lines,
    info(obj: object, msg: string) {
      lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg });
    },
    error(obj: object, msg: string) {
      lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg });
    },
  };
}

/** A job that waits until the test lets it finish, and counts how many of it run at once. */
function heldJob(name: string) {
  let release = () => {};
  const state = { runs: 0, concurrent: 0, maxConcurrent: 0 };
  const job: ScheduledJob = {
    name,
    async run() {
      state.runs += 1;
      state.concurrent += 1;
      state.maxConcurrent = Math.max(state.maxConcurrent, state.concurrent);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      state.concurrent -= 1;
      return `${name} done`;
    },
  };
  return { job, state, release: () => release() };
}

describe('the daily schedule', () => {
  it('runs shortly after start, then once a day, and never two runs at once', async () => {
    const timers = manualTimers();
    const logger = captureLogger();
    const held = heldJob('slow');
    const schedule = startSchedule({ jobs: [held.job], logger, timers, firstDelayMs: 5_000 });
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([5_000]);

    timers.fire();
    // While the run is under way, asking for another joins it instead of starting a second one.
    const joined = schedule.runNow();
    await vi.waitFor(() => expect(held.state.runs).toBe(1));
    expect(timers.pending.size).toBe(0);
    held.release();
    await joined;
    // The next run is planned a day after this one ended.
    await vi.waitFor(() => expect([...timers.pending.values()].map((t) => t.ms)).toEqual([DAY_MS]));
    expect(held.state).toMatchObject({ runs: 1, maxConcurrent: 1 });
    expect(logger.lines).toEqual([{ level: 'info', obj: { job: 'slow' }, msg: 'slow done' }]);

    timers.fire();
    await vi.waitFor(() => expect(held.state.runs).toBe(2));
    held.release();
    await vi.waitFor(() => expect(timers.pending.size).toBe(1));
    await schedule.stop();
    expect(timers.pending.size).toBe(0);
    expect(held.state.maxConcurrent).toBe(1);
  });

  it('logs a failing job by its error type only and goes on with the others and the next day', async () => {
    const timers = manualTimers();
    const logger = captureLogger();
    const ran: string[] = [];
    const failing: ScheduledJob = {
      name: 'failing',
      run: async () => {
        ran.push('failing');
        throw Object.assign(new Error('insert into people values ($1) -- params: Secret Person'), {
          params: ['Secret Person'],
        });
      },
    };
    const next: ScheduledJob = {
      name: 'next',
      run: async () => {
        ran.push('next');
        return 'next done';
      },
    };
    const schedule = startSchedule({ jobs: [failing, next], logger, timers, firstDelayMs: 0 });
    timers.fire();
    await vi.waitFor(() => expect(timers.pending.size).toBe(1));
    expect(ran).toEqual(['failing', 'next']);
    expect(logger.lines.map((l) => [l.level, l.obj.job, l.msg])).toEqual([
      ['error', 'failing', 'scheduled job failed'],
      ['info', 'next', 'next done'],
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain('Secret Person');
    await schedule.stop();
  });

  it('stops: no run after stop, and stop waits for the run under way', async () => {
    const timers = manualTimers();
    const held = heldJob('held');
    const schedule = startSchedule({ jobs: [held.job], logger: captureLogger(), timers, firstDelayMs: 0 });
    timers.fire();
    await vi.waitFor(() => expect(held.state.runs).toBe(1));
    let stopped = false;
    const stopping = schedule.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);
    held.release();
    await stopping;
    expect(timers.pending.size).toBe(0);
  });
});

describe('the server’s daily jobs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('erase, with the app’s clock, a person two years without contact, and log counts only', async () => {
    const staff = await createStaff(t, {
      email: 'desk@jobs.example',
      role: 'caseworker',
      organisation: 'Desk',
    });
    const session = await logInAs(t, staff);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: session.headers(true),
      payload: { displayName: 'Scheduled Quietus' },
    });
    const { id } = created.json() as { id: string };
    const timers = manualTimers();
    const logger = captureLogger();
    const schedule = startSchedule({
      jobs: dailyJobs({
        people: {
          db: t.database.db,
          clock: t.clock,
          keyring: createKeyring(t.config.masterKey ?? Buffer.alloc(32)),
          erasureGraceDays: t.config.erasureDays,
        },
        referrals: {
          db: t.database.db,
          clock: t.clock,
          publicBaseUrl: t.config.publicBaseUrl,
          locale: 'en',
          referralAckDays: t.config.referralAckDays,
          referralExpiryDays: t.config.referralExpiryDays,
        },
      }),
      logger,
      timers,
      firstDelayMs: 1,
    });
    try {
      timers.fire();
      await vi.waitFor(() => expect(timers.pending.size).toBe(1));
      expect(await queryRows(t.database.db, sql`select 1 from people where id = ${id}`)).toHaveLength(1);

      t.clock.advance(731 * DAY_MS);
      timers.fire();
      await vi.waitFor(() => expect(timers.pending.size).toBe(1));
      expect(await queryRows(t.database.db, sql`select 1 from people where id = ${id}`)).toHaveLength(0);
      const messages = logger.lines.map((line) => String(line.msg));
      expect(messages).toContainEqual(
        expect.stringMatching(/^retention: erased 1 person\(s\) \(0 on request, 1 without/),
      );
      expect(messages.at(-1)).toMatch(/^referrals: 0 escalated to their sender, 0 expired$/);
      expect(JSON.stringify(logger.lines)).not.toContain('Quietus');
    } finally {
      await schedule.stop();
    }
  });
});
