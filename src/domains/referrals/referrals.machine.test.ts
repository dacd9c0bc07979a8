import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  awaitsReceiver,
  checkTransition,
  isClosed,
  movesFor,
  REASON_REQUIRED,
  REFERRAL_STATES,
  type ReferralSide,
  type ReferralState,
} from './referrals.machine.ts';

const state = fc.constantFrom(...REFERRAL_STATES);
const side = fc.constantFrom<ReferralSide>('sender', 'receiver', 'system');
const reason = fc.option(fc.string({ maxLength: 20 }), { nil: undefined });

/** Applies every allowed move of a random sequence, as the service would, from a new referral. */
function run(start: ReferralState, moves: [ReferralState, ReferralSide, string | undefined][]) {
  let current = start;
  const path: ReferralState[] = [current];
  for (const [to, who, why] of moves) {
    if (checkTransition(current, to, who, why) === undefined) {
      current = to;
      path.push(current);
    }
  }
  return path;
}

describe('the referral state machine', () => {
  it('never leaves a closed state', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(state, side, reason), { maxLength: 30 }), (moves) => {
        const path = run('draft', moves);
        const closedAt = path.findIndex(isClosed);
        if (closedAt >= 0) expect(path.length).toBe(closedAt + 1);
      }),
    );
  });

  it('only moves along declared edges, by the side that owns them', () => {
    fc.assert(
      fc.property(state, state, side, reason, (from, to, who, why) => {
        const refusal = checkTransition(from, to, who, why);
        if (refusal === undefined) expect(movesFor(from, who)).toContain(to);
        else if (refusal !== 'REASON_REQUIRED') expect(movesFor(from, who)).not.toContain(to);
      }),
    );
  });

  it('asks for a reason to decline or to close as not completed, and only then', () => {
    fc.assert(
      fc.property(state, state, side, (from, to, who) => {
        const withoutReason = checkTransition(from, to, who, undefined);
        const blank = checkTransition(from, to, who, '   ');
        const withReason = checkTransition(from, to, who, 'no places left');
        if (withReason === undefined && REASON_REQUIRED.has(to)) {
          expect(withoutReason).toBe('REASON_REQUIRED');
          expect(blank).toBe('REASON_REQUIRED');
        } else {
          expect(withoutReason).toBe(withReason);
        }
      }),
    );
  });

  it('reaches a received state only through the receiver, and acceptance only after it was received', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(state, side, reason), { maxLength: 30 }), (moves) => {
        const path = run('draft', moves);
        const accepted = path.indexOf('accepted');
        if (accepted >= 0) expect(path.slice(0, accepted)).toContain('received');
        const completed = path.indexOf('completed');
        if (completed >= 0) expect(path.slice(0, completed)).toContain('accepted');
      }),
    );
  });

  it('lets the sender cancel until the referral is closed, and the system expire only what awaits the receiver', () => {
    for (const from of REFERRAL_STATES) {
      expect(checkTransition(from, 'cancelled', 'sender', undefined) === undefined).toBe(
        !isClosed(from) && from !== 'cancelled',
      );
      expect(checkTransition(from, 'expired', 'system', undefined) === undefined).toBe(awaitsReceiver(from));
      expect(checkTransition(from, 'cancelled', 'receiver', undefined)).not.toBeUndefined();
    }
  });

  it('only moves forward in the order of REFERRAL_STATES (events of one instant are ordered by it)', () => {
    for (const from of REFERRAL_STATES) {
      for (const who of ['sender', 'receiver', 'system'] as const) {
        for (const to of movesFor(from, who))
          expect(REFERRAL_STATES.indexOf(to), `${from} → ${to}`).toBeGreaterThan(
            REFERRAL_STATES.indexOf(from),
          );
      }
    }
  });

  it('reaches every state from a draft', () => {
    const seen = new Set<ReferralState>(['draft']);
    const queue: ReferralState[] = ['draft'];
    for (let from = queue.shift(); from; from = queue.shift()) {
      for (const who of ['sender', 'receiver', 'system'] as const) {
        for (const to of movesFor(from, who)) {
          if (!seen.has(to)) {
            seen.add(to);
            queue.push(to);
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([...REFERRAL_STATES].sort());
  });
});
