import { staffPolicy } from '../../http/policy.ts';

/**
 * People are helped by caseworkers and their organisation's admins (the city's own unit included). Which
 * people a caller may touch is decided per object (people.service.ts `accessOf`): their organisation's own,
 * or the fields another organisation consented to share; anything else is 404.
 */
export const PEOPLE_ROLES = ['city_admin', 'org_admin', 'caseworker'] as const;
export const managePeople = staffPolicy('people.manage', PEOPLE_ROLES);
export const readPeople = staffPolicy('people.read', PEOPLE_ROLES);
