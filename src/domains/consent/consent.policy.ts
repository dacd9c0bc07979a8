import { publicAccess, staffPolicy } from '../../http/policy.ts';

/** Consents are recorded and revoked by the person's recording organisation (checked per object). */
export const manageConsents = staffPolicy('consents.manage', ['city_admin', 'org_admin', 'caseworker']);
/**
 * The person's own page: their code is the credential. Public, so rate limited per source; an unknown or
 * guessed code is 404 like any other, so codes cannot be enumerated.
 */
export const myDataAccess = { ...publicAccess, name: 'my_data' };
/** Code lookups allowed per source address per minute, by default. */
export const MY_DATA_RATE_LIMIT_PER_MINUTE = 10;
