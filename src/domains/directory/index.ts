export { exportHsds, hsdsValidator, type ImportSummary, importHsds } from './directory.service.ts';
export { type ImportProblem, ImportRejected } from './hsds.import.ts';
export { type HsdsApiDeps, hsdsRoutes } from './hsds.routes.ts';
