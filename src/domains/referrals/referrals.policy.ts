import { staffPolicy } from '../../http/policy.ts';

/**
 * Referrals are sent and answered by caseworkers and their organisation's admins (the city's own units
 * included). Which referrals a caller may touch is decided per object (referrals.service.ts): those its
 * organisation sent, and those it received while their consent lasts; anything else is 404.
 */
export const REFERRAL_ROLES = ['city_admin', 'org_admin', 'caseworker'] as const;
export const sendReferrals = staffPolicy('referrals.send', REFERRAL_ROLES);
export const readReferrals = staffPolicy('referrals.read', REFERRAL_ROLES);
export const moveReferrals = staffPolicy('referrals.move', REFERRAL_ROLES);
/** Anyone who may refer sees whether a service takes referrals and how long people wait. */
export const readCapacity = staffPolicy('capacity.read', REFERRAL_ROLES);
/** Only staff of the receiving organisation itself say it (checked per service: another's is 404). */
export const manageCapacity = staffPolicy('capacity.manage', ['org_admin', 'caseworker']);
/** Codes a person shows at a service, tried per source address per minute, by default. */
export const DISCLOSURE_RATE_LIMIT_PER_MINUTE = 10;
