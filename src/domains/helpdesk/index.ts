export { type HelpdeskDeps, helpdeskPageRoutes } from './helpdesk.routes.ts';
export type { PersonSection } from './person.pages.tsx';
export { type ReferralPagesDeps, referralPageRoutes, referralsSection } from './referral.page-routes.ts';
