export { type HomeDeps, homeRoutes } from './home.routes.ts';
