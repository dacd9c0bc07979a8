export { formatArrivalCode, newArrivalCode, parseArrivalCode } from './codes.ts';
export {
  PERSON_RETENTION_DAYS,
  PERSONAL_FIELDS,
  type PersonalField,
  type PersonalFieldName,
  PURPOSES,
  SHAREABLE_FIELDS,
  type ShareableField,
} from './fields.ts';
export {
  NEED_CODES,
  NEED_STATUSES,
  NEEDS,
  type Need,
  type NeedStatus,
  URGENCY_FLAGS,
  type UrgencyFlag,
} from './needs.ts';
export { createKeyring, type Keyring, type PersonVault, personVault } from './people.crypto.ts';
export { managePeople, PEOPLE_ROLES, readPeople } from './people.policy.ts';
export type { PersonRow } from './people.repo.ts';
export { peopleRoutes } from './people.routes.ts';
export {
  erasureRequests,
  NOTE_MAX_CHARS,
  people,
  personNeeds,
  type TPersonCreate,
  type TPersonUpdate,
  type TPersonView,
  ZPersonCreate,
  ZPersonLookup,
  ZPersonUpdate,
} from './people.schema.ts';
export {
  accessOf,
  addNeeds,
  addNote,
  auditActorOf,
  completeNextStep,
  createPerson,
  describeRetention,
  type ErasureReason,
  erasePerson,
  erasePersonNow,
  lookUpPeople,
  messageLocale,
  type PeopleDeps,
  type PersonAccess,
  pendingErasureRequests,
  personView,
  privateMessageOpener,
  queuePersonEmail,
  type RequestContext,
  type RetentionReport,
  readPerson,
  recordVisit,
  refuse,
  reissueCode,
  requestErasure,
  runRetention,
  setNeedStatus,
  updatePerson,
  vaultOf,
} from './people.service.ts';
export { privacyRoutes } from './privacy.routes.ts';
