import { describeRetention, type PeopleDeps, runRetention } from './domains/people/index.ts';
import {
  type ReferralCheckDeps,
  type ReferralCheckReport,
  runReferralChecks,
} from './domains/referrals/index.ts';
import { describeError } from './http/errors.ts';

/** A piece of work the server does on a schedule. `run` returns one line for the log: counts, nothing personal. */
export interface ScheduledJob {
  name: string;
  run(): Promise<string>;
}

/** Timers, passed in so that tests fire them by hand instead of waiting for them. */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (run, ms) => {
    const handle = setTimeout(run, ms);
    // A pending daily run never keeps the process alive on its own.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** What the schedule writes to (a pino logger). */
export interface JobLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const DAY_MS = 86_400_000;

export interface ScheduleOptions {
  jobs: readonly ScheduledJob[];
  logger: JobLogger;
  /** The first run, shortly after start (ms; default 1 minute, so start-up is not slowed by it). */
  firstDelayMs?: number;
  /** Between the end of one run and the start of the next (ms; default 24 h). */
  intervalMs?: number;
  timers?: Timers;
}

export interface Schedule {
  /** Runs every job now, unless a run is under way (then waits for that one): never two runs at once. */
  runNow(): Promise<void>;
  /** No further runs; waits for a run under way to end. */
  stop(): Promise<void>;
}

/**
 * The server's daily jobs (retention, and the referral checks once they land): one run shortly after start,
 * then one a day. The jobs run one after another; one failing is logged (error type and code only, never its
 * message, which can hold SQL parameters) and does not stop the others. The next run is planned when the last
 * one ends, so runs never overlap, however long one takes.
 */
export function startSchedule(options: ScheduleOptions): Schedule {
  const timers = options.timers ?? realTimers;
  const intervalMs = options.intervalMs ?? DAY_MS;
  let stopped = false;
  let handle: unknown;
  let running: Promise<void> | undefined;

  const runAll = async () => {
    for (const job of options.jobs) {
      if (stopped) return;
      try {
        const summary = await job.run();
        options.logger.info({ job: job.name }, summary);
      } catch (error) {
        options.logger.error({ job: job.name, error: describeError(error) }, 'scheduled job failed');
      }
    }
  };
  const plan = (ms: number) => {
    if (stopped) return;
    handle = timers.setTimeout(() => {
      handle = undefined;
      void runNow().finally(() => plan(intervalMs));
    }, ms);
  };
  const runNow = (): Promise<void> => {
    running ??= runAll().finally(() => {
      running = undefined;
    });
    return running;
  };
  plan(options.firstDelayMs ?? 60_000);
  return {
    runNow,
    async stop() {
      stopped = true;
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
      await running;
    },
  };
}

/** The jobs of a running server, in the order they run. */
export function dailyJobs(deps: { people: PeopleDeps; referrals: ReferralCheckDeps }): ScheduledJob[] {
  return [
    { name: 'retention', run: async () => describeRetention(await runRetention(deps.people)) },
    // Escalate referrals nobody acknowledged to their sender, expire those nobody answered.
    {
      name: 'referral-checks',
      run: async () => describeReferralChecks(await runReferralChecks(deps.referrals)),
    },
  ];
}

/** One line of counts for the log and the CLI. */
export function describeReferralChecks(report: ReferralCheckReport): string {
  return `referrals: ${report.escalated} escalated to their sender, ${report.expired} expired`;
}
