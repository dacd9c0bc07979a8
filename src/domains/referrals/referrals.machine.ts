/**
 * The life of a referral, after FHIR's Task (`draft → requested → received → accepted | rejected →
 * in-progress → completed | failed`, plus `cancelled`), in our words. Which side may move it where is part of
 * the machine: the sending organisation drafts, sends and cancels; the receiving one receives, accepts,
 * declines, works on and closes it; the system expires what nobody acted on.
 */

export const REFERRAL_STATES = [
  'draft',
  'sent',
  'received',
  'accepted',
  'declined',
  'in_progress',
  'completed',
  'not_completed',
  'cancelled',
  'expired',
] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

export type ReferralSide = 'sender' | 'receiver' | 'system';

/** Moves that must say why (the reason is sealed with the person's data, it may mention them). */
export const REASON_REQUIRED: ReadonlySet<ReferralState> = new Set(['declined', 'not_completed']);

const MOVES: Record<ReferralState, Partial<Record<ReferralState, ReferralSide>>> = {
  draft: { sent: 'sender', cancelled: 'sender' },
  sent: { received: 'receiver', cancelled: 'sender', expired: 'system' },
  received: { accepted: 'receiver', declined: 'receiver', cancelled: 'sender', expired: 'system' },
  accepted: {
    in_progress: 'receiver',
    completed: 'receiver',
    not_completed: 'receiver',
    cancelled: 'sender',
  },
  in_progress: { completed: 'receiver', not_completed: 'receiver', cancelled: 'sender' },
  declined: {},
  completed: {},
  not_completed: {},
  cancelled: {},
  expired: {},
};

/** No way out: the referral is closed. */
export function isClosed(state: ReferralState): boolean {
  return Object.keys(MOVES[state]).length === 0;
}

/** Waiting for the receiving organisation to open or answer it (what escalates when it takes too long). */
export function awaitsReceiver(state: ReferralState): boolean {
  return state === 'sent' || state === 'received';
}

export type TransitionRefusal = 'INVALID_TRANSITION' | 'NOT_YOUR_MOVE' | 'REASON_REQUIRED';

/** Whether `side` may move a referral from `from` to `to`; a refusal names why, with a stable code. */
export function checkTransition(
  from: ReferralState,
  to: ReferralState,
  side: ReferralSide,
  reason: string | undefined,
): TransitionRefusal | undefined {
  const allowed = MOVES[from][to];
  if (!allowed) return 'INVALID_TRANSITION';
  if (allowed !== side) return 'NOT_YOUR_MOVE';
  if (REASON_REQUIRED.has(to) && !reason?.trim()) return 'REASON_REQUIRED';
  return undefined;
}

/** The states `side` may move a referral to from `from` (what the pages offer as buttons). */
export function movesFor(from: ReferralState, side: ReferralSide): ReferralState[] {
  return (Object.entries(MOVES[from]) as [ReferralState, ReferralSide][])
    .filter(([, who]) => who === side)
    .map(([to]) => to);
}
