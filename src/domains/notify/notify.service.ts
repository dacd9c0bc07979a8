import { randomUUID } from 'node:crypto';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Transporter } from 'nodemailer';
import type { Clock } from '../../clock.ts';
import type { Db, Tx } from '../../db/driver.ts';
import type { Catalogues } from '../../i18n/index.ts';
import { outbox } from './notify.schema.ts';

export interface EmailMessage {
  to: string;
  /** `email.<template>.subject` and `email.<template>.body` are looked up in the catalogue of `locale`. */
  template: string;
  locale: string;
  params: Record<string, string | number>;
}

/** Queues an email inside the caller's transaction: it is sent only if the transaction commits. */
export async function enqueueEmail(tx: Tx, at: Date, message: EmailMessage): Promise<void> {
  await emailsInsert(tx, at, [message]);
}

/**
 * The INSERT that queues emails (not run: await it, or write it with others through `writeTogether`). They
 * are sent only if the caller's transaction commits.
 */
export function emailsInsert(tx: Tx, at: Date, messages: EmailMessage[]) {
  return tx.insert(outbox).values(
    messages.map((message) => ({
      id: randomUUID(),
      channel: 'email' as const,
      recipient: message.to,
      template: message.template,
      locale: message.locale,
      params: message.params,
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
    })),
  );
}

/**
 * A message to a newcomer (their Arrival code, a consent receipt). Their address and the message's values are
 * personal: they are stored sealed under the person's own data key (`sealed`, made by the people domain), and
 * the row names only `person:<id>`. The worker asks the people domain to open it when sending; once the person
 * is erased it cannot be opened, and the message is dropped.
 */
export interface PrivateEmailMessage {
  personId: string;
  template: string;
  locale: string;
  /** `{ to, params }`, sealed for this message by `sealPrivateMessage`. */
  seal(messageId: string): string;
}

export const PRIVATE_RECIPIENT_PREFIX = 'person:';

export async function enqueuePrivateEmail(tx: Tx, at: Date, message: PrivateEmailMessage): Promise<void> {
  const id = randomUUID();
  await tx.insert(outbox).values({
    id,
    channel: 'email',
    recipient: `${PRIVATE_RECIPIENT_PREFIX}${message.personId}`,
    template: message.template,
    locale: message.locale,
    params: { sealed: message.seal(id) },
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    createdAt: at,
  });
}

/** Opens a private message for sending: its address and values, or undefined once the person is gone. */
export type PrivateMessageOpener = (
  personId: string,
  messageId: string,
  sealed: string,
) => Promise<{ to: string; params: Record<string, string | number> } | undefined>;

/** Waits between attempts: 1 min, 5 min, 30 min, 2 h, 6 h, then it is given up as failed. */
export const RETRY_DELAYS_MS = [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000];

export interface OutboxWorker {
  /** Sends what is due now; resolves when done (tests await it; the app calls it after commits). */
  flush(): Promise<{ sent: number; failed: number }>;
  /** Asks for a flush soon, without waiting (call after a commit that queued a message). */
  kick(): void;
  stop(): Promise<void>;
}

export interface OutboxDeps {
  db: Db;
  clock: Clock;
  catalogues: Catalogues;
  /** A nodemailer transport; without one, messages wait in the outbox. */
  transport: Transporter | undefined;
  from: string;
  /** How often to look for due retries (ms); 0 turns the timer off (tests flush by hand). */
  pollMs: number;
  /** Opens messages to newcomers (people domain); without it they are dropped, unsent. */
  openPrivate?: PrivateMessageOpener;
  onError?(error: unknown): void;
}

function errorCode(error: unknown): string {
  const e = error as { responseCode?: unknown; code?: unknown };
  if (typeof e.responseCode === 'number') return `SMTP_${e.responseCode}`;
  return typeof e.code === 'string' ? e.code.slice(0, 40) : 'SEND_FAILED';
}

export function createOutboxWorker(deps: OutboxDeps): OutboxWorker {
  const { db, clock, catalogues, transport } = deps;
  let running: Promise<{ sent: number; failed: number }> | undefined;
  let again = false;
  let stopped = false;

  async function deliverDue(): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    if (!transport) return { sent, failed };
    for (;;) {
      const now = clock.now();
      const due = await db
        .select()
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
        .orderBy(asc(outbox.createdAt))
        .limit(20);
      if (due.length === 0) return { sent, failed };
      for (const message of due) {
        // Claim the row, so that two app nodes never send the same message.
        const claimed = await db
          .update(outbox)
          .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + 60_000) })
          .where(
            and(
              eq(outbox.id, message.id),
              eq(outbox.attempts, message.attempts),
              eq(outbox.status, 'pending'),
            ),
          )
          .returning({ id: outbox.id });
        if (claimed.length === 0) continue;
        const t = catalogues.translator(message.locale);
        try {
          let to = message.recipient;
          let params = message.params;
          if (to.startsWith(PRIVATE_RECIPIENT_PREFIX)) {
            const opened =
              deps.openPrivate && typeof params.sealed === 'string'
                ? await deps.openPrivate(to.slice(PRIVATE_RECIPIENT_PREFIX.length), message.id, params.sealed)
                : undefined;
            if (!opened) {
              // The person was erased (or nothing can open it): the message goes with them.
              await db
                .update(outbox)
                .set({ status: 'failed', params: {}, lastError: 'RECIPIENT_GONE' })
                .where(eq(outbox.id, message.id));
              failed += 1;
              continue;
            }
            ({ to, params } = opened);
          }
          await transport.sendMail({
            from: deps.from,
            to,
            subject: t(`email.${message.template}.subject`, params),
            text: t(`email.${message.template}.body`, params),
          });
          await db
            .update(outbox)
            .set({ status: 'sent', sentAt: clock.now(), params: {}, lastError: null })
            .where(eq(outbox.id, message.id));
          sent += 1;
        } catch (error) {
          const attempt = message.attempts + 1;
          const delay = RETRY_DELAYS_MS[attempt - 1];
          await db
            .update(outbox)
            .set({
              lastError: errorCode(error),
              ...(delay === undefined
                ? { status: 'failed', params: {} }
                : { nextAttemptAt: new Date(now.getTime() + delay) }),
            })
            .where(eq(outbox.id, message.id));
          failed += 1;
        }
      }
    }
  }

  function flush() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      const total = { sent: 0, failed: 0 };
      try {
        do {
          again = false;
          const r = await deliverDue();
          total.sent += r.sent;
          total.failed += r.failed;
        } while (again && !stopped);
      } finally {
        running = undefined;
      }
      return total;
    })();
    return running;
  }

  const timer =
    deps.pollMs > 0
      ? setInterval(() => {
          flush().catch((error: unknown) => deps.onError?.(error));
        }, deps.pollMs)
      : undefined;
  timer?.unref();

  return {
    flush,
    kick() {
      if (stopped) return;
      flush().catch((error: unknown) => deps.onError?.(error));
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
      transport?.close();
    },
  };
}
