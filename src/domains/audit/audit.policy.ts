import { staffPolicy } from '../../http/policy.ts';

/** The audit log: auditors and the city's administrators, across every organisation. */
export const readAuditLog = staffPolicy('audit.read', ['auditor', 'city_admin']);
