export { manageConsents } from './consent.policy.ts';
export { consentRoutes } from './consent.routes.ts';
export { CONSENT_PURPOSES, type ConsentPurpose, consents } from './consent.schema.ts';
export {
  type ConsentInput,
  type ConsentRow,
  type ConsentState,
  checkConsentForReferral,
  consentState,
  createConsent,
  findConsent,
  listConsentsOfPerson,
  MAX_CONSENT_DAYS,
  revokeConsentByStaff,
} from './consent.service.ts';
export { type MyDataPagesDeps, myDataPageRoutes } from './my-data.page-routes.ts';
export { type MyData, myData, requestMyErasure, revokeMyConsent } from './my-data.service.ts';
