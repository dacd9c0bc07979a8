export { Csrf, ErrorSummary, formatTime, StaffLayout } from './accounts.pages.tsx';
export { warmUpPasswordChecks } from './accounts.passwords.ts';
export {
  type AccountsRouteDeps,
  accountsRoutes,
  clearSessionCookie,
  logInAndSetCookie,
  type SessionCookie,
  sessionCookieFor,
} from './accounts.routes.ts';
export {
  invitations,
  loginThrottle,
  memberships,
  organisations,
  recoveryCodes,
  sessions,
  users,
} from './accounts.schema.ts';
export {
  type AccountsDeps,
  listOrganisations,
  type ProvisionedUser,
  provisionUser,
  roleNeedsTotp,
} from './accounts.service.ts';
export { totpCodeAt } from './accounts.totp.ts';
export { openSession, resolveSession } from './sessions.service.ts';
export { loginRedirect, safeNext, staffHref } from './staff-links.ts';
export { staffPageTools } from './staff-page-tools.ts';
export { staffPageRoutes } from './staff-pages.routes.ts';
