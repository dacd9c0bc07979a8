export { type ReferralCheckReport, runReferralChecks } from './referrals.jobs.ts';
export {
  awaitsReceiver,
  checkTransition,
  isClosed,
  movesFor,
  REFERRAL_STATES,
  type ReferralSide,
  type ReferralState,
} from './referrals.machine.ts';
export { referralRoutes } from './referrals.routes.ts';
export { referralEvents, referrals, serviceCapacity } from './referrals.schema.ts';
export { type ReferralCheckDeps, type ReferralDeps, referralLink } from './referrals.service.ts';
