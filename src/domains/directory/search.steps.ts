/** Changes tests of the search structures make, to check those follow (search.terms.test.ts, search.memory.test.ts). */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/driver.ts';
import { queryRows } from '../../db/rows.ts';
import { reindexServices } from './search.index.ts';

/**
 * In one transaction: the first service by id gets new words (and loses its common ones), the second loses its
 * translations, the third is deleted; all three are reindexed. Returns the edited service's id.
 */
export async function editUntranslateDelete(db: Db): Promise<string> {
  const services = await queryRows<{ id: string }>(db, sql`select id from hsds_service order by id limit 3`);
  const [edited, untranslated, deleted] = services.map((s) => s.id);
  if (!edited || !untranslated || !deleted) throw new Error('fewer than three services');
  await db.transaction(async (tx) => {
    await tx.execute(sql`update hsds_service set name = 'Xylophone repair', description = 'Xylophone lessons'
                          where id = ${edited}`);
    await tx.execute(sql`delete from directory_translation where record_id = ${untranslated}`);
    await tx.execute(sql`delete from hsds_service where id = ${deleted}`);
    await reindexServices(tx, [edited, untranslated, deleted]);
  });
  return edited;
}
