export { exportHsds, hsdsValidator, type ImportSummary, importHsds } from './directory.service.ts';
export { type ImportProblem, ImportRejected } from './hsds.import.ts';
