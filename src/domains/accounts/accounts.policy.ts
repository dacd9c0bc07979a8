import { publicAccess, ROLES, staffPolicy } from '../../http/policy.ts';

/** Logging in needs no session (it makes one); it is rate limited per source and locked per account. */
export const logInPolicy = { ...publicAccess, name: 'auth.login' };
/** Anyone on staff, about their own session(s): who am I, log out, list and end my sessions. */
export const ownSession = staffPolicy('auth.own_session', ROLES);
/** The list of organisations: the city's administrators and auditors. */
export const viewOrganisations = staffPolicy('organisations.view', ['city_admin', 'auditor']);
export const createOrganisations = staffPolicy('organisations.create', ['city_admin']);
/** Members of an organisation: a city admin for any, an organisation admin for their own (else 404). */
export const manageMembers = staffPolicy('organisations.members', ['city_admin', 'org_admin']);
/** Accepting an invitation: the link's token is the credential. Rate limited per source. */
export const acceptInvitationPolicy = { ...publicAccess, name: 'invitations.accept' };
