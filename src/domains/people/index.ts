export { formatArrivalCode, newArrivalCode, parseArrivalCode } from './codes.ts';
export {
  PERSON_RETENTION_DAYS,
  PERSONAL_FIELDS,
  type PersonalField,
  PURPOSES,
  SHAREABLE_FIELDS,
  type ShareableField,
} from './fields.ts';
export { NEED_CODES, NEED_STATUSES, NEEDS, type Need, URGENCY_FLAGS, type UrgencyFlag } from './needs.ts';
export { createKeyring, type Keyring, type PersonVault, personVault } from './people.crypto.ts';
export type { PersonRow } from './people.repo.ts';
export { peopleRoutes } from './people.routes.ts';
export { erasureRequests, people, personNeeds } from './people.schema.ts';
export {
  accessOf,
  auditActorOf,
  describeRetention,
  type ErasureReason,
  erasePersonNow,
  type PeopleDeps,
  type PersonAccess,
  personView,
  type RequestContext,
  type RetentionReport,
  refuse,
  requestErasure,
  runRetention,
  vaultOf,
} from './people.service.ts';
