export { consentRoutes } from './consent.routes.ts';
export { CONSENT_PURPOSES, type ConsentPurpose, consents } from './consent.schema.ts';
export {
  type ConsentRow,
  checkConsentForReferral,
  consentState,
  findConsent,
  listConsentsOfPerson,
} from './consent.service.ts';
export { type MyDataPagesDeps, myDataPageRoutes } from './my-data.page-routes.ts';
export { type MyData, myData, requestMyErasure, revokeMyConsent } from './my-data.service.ts';
