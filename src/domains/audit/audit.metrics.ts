import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../../db/driver.ts';
import { GENESIS_HASH } from './audit.chain.ts';
import { auditChainHead } from './audit.service.ts';

/**
 * `arrival_audit_chain_length` and `arrival_audit_head_info{hash="…"} 1`, read from the database at each
 * scrape (DESIGN.md "Staff API details"). A monitor that stores the head sees rows removed from the end.
 */
/** Undefined while the database cannot answer: /metrics still serves the other metrics (readiness says why). */
async function readHead(db: Db) {
  try {
    return await auditChainHead(db);
  } catch {
    return undefined;
  }
}

export function registerAuditMetrics(registry: Registry, db: Db): void {
  new Gauge({
    name: 'arrival_audit_chain_length',
    help: 'Number of rows in the audit hash chain (the seq of its head)',
    registers: [registry],
    async collect() {
      const head = await readHead(db);
      if (head) this.set(head.length);
    },
  });
  new Gauge({
    name: 'arrival_audit_head_info',
    help: 'Hash of the latest audit row (64 zeros while the log is empty)',
    labelNames: ['hash'],
    registers: [registry],
    async collect() {
      const head = await readHead(db);
      this.reset();
      if (head) this.set({ hash: head.hash ?? GENESIS_HASH }, 1);
    },
  });
}
