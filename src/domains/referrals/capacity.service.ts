import { notFound } from '../../http/errors.ts';
import type { StaffActor } from '../../http/policy.ts';
import { recordAudit } from '../audit/index.ts';
import { auditActorOf, type RequestContext, refuse } from '../people/index.ts';
import * as repo from './referrals.repo.ts';
import type { TCapacity, TCapacityUpdate } from './referrals.schema.ts';
import type { ReferralDeps } from './referrals.service.ts';

/**
 * What a receiving organisation says about its service before anyone refers to it (whether it takes referrals
 * now, places a week, days of waiting). Nothing personal: every member of staff who may refer can read it; only
 * the organisation that receives the service's referrals may change it.
 */

function capacityView(row: repo.CapacityRow | undefined, referrable: boolean): TCapacity {
  return {
    accepting: row?.accepting ?? true,
    ...(row?.weeklyPlaces != null ? { weeklyPlaces: row.weeklyPlaces } : {}),
    ...(row?.waitingDays != null ? { waitingDays: row.waitingDays } : {}),
    ...(row ? { updatedAt: row.updatedAt.toISOString() } : {}),
    referrable,
  };
}

/** `GET /api/v1/services/{id}/capacity`; a service the directory does not have is 404. */
export async function readCapacity(deps: ReferralDeps, serviceId: string): Promise<TCapacity> {
  const service = await repo.findService(deps.db, serviceId);
  if (!service) throw notFound();
  const receiver = await repo.findReceiverOf(deps.db, service);
  return capacityView(await repo.findCapacity(deps.db, serviceId), receiver !== undefined);
}

/** `PUT /api/v1/services/{id}/capacity`: by the receiving organisation only; anyone else gets 404. */
export async function setCapacity(
  deps: ReferralDeps,
  actor: StaffActor,
  serviceId: string,
  input: TCapacityUpdate,
  ctx: RequestContext,
): Promise<TCapacity> {
  const saved = await deps.db.transaction(async (tx) => {
    const service = await repo.findService(tx, serviceId);
    const receiver = service ? await repo.findReceiverOf(tx, service) : undefined;
    if (!service || receiver?.id !== actor.organisationId) return undefined;
    const now = deps.clock.now();
    const previous = await repo.findCapacity(tx, serviceId);
    const row = {
      serviceId,
      organisationId: actor.organisationId,
      accepting: input.accepting,
      // An absent field keeps what was said before; `null` forgets it.
      weeklyPlaces: input.weeklyPlaces === undefined ? (previous?.weeklyPlaces ?? null) : input.weeklyPlaces,
      waitingDays: input.waitingDays === undefined ? (previous?.waitingDays ?? null) : input.waitingDays,
      updatedBy: actor.userId,
      updatedAt: now,
    };
    await repo.saveCapacity(tx, row);
    await recordAudit(tx, {
      at: now,
      actor: auditActorOf(actor),
      action: 'capacity.updated',
      objectType: 'service',
      ...(/^[A-Za-z0-9_.:-]{1,100}$/.test(serviceId) ? { objectId: serviceId } : {}),
      ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    });
    return capacityView(row, true);
  });
  return saved ?? refuse(deps, actor, 'service', serviceId, ctx);
}
