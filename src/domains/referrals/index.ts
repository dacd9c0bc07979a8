export { readCapacity, setCapacity } from './capacity.service.ts';
export { type ReferralCheckReport, runReferralChecks } from './referrals.jobs.ts';
export { listReferrals, summariseReferrals } from './referrals.lists.ts';
export {
  awaitsReceiver,
  checkTransition,
  isClosed,
  movesFor,
  REFERRAL_STATES,
  type ReferralSide,
  type ReferralState,
} from './referrals.machine.ts';
export { type ReferralCheckDeps, referralLink } from './referrals.notify.ts';
export {
  DISCLOSURE_RATE_LIMIT_PER_MINUTE,
  manageCapacity,
  moveReferrals,
  readReferrals,
  sendReferrals,
} from './referrals.policy.ts';
export { referralRoutes } from './referrals.routes.ts';
export type { TReferralList, TReferralSummary, TReferralView } from './referrals.schema.ts';
export { referralEvents, referrals, serviceCapacity } from './referrals.schema.ts';
export {
  changeReferralStatus,
  createReferral,
  discloseIdentity,
  type ReferralDeps,
  readReferral,
} from './referrals.service.ts';
