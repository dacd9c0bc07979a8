export { type HelpdeskDeps, helpdeskPageRoutes } from './helpdesk.routes.ts';
export type { PersonSection } from './person.pages.tsx';
