export { type ChainVerdict, GENESIS_HASH } from './audit.chain.ts';
export { registerAuditMetrics } from './audit.metrics.ts';
export { type AuditFilter, auditRowInsert, lockChainHead, searchAuditRows } from './audit.repo.ts';
export { type AuditRouteDeps, auditRoutes } from './audit.routes.ts';
export { auditLog } from './audit.schema.ts';
export {
  type AuditActor,
  type AuditEntry,
  auditChainHead,
  nextAuditRow,
  recordAudit,
  verifyAuditLog,
} from './audit.service.ts';
