import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPglite } from '../src/db/driver.ts';
import { createPostgresTemplate, dropPostgresDatabase } from '../src/db/testing.ts';

const TMP = path.resolve('.tmp');

/**
 * Migrates one template database per run: a dumped PGlite data directory, and, when DATABASE_URL is set, a
 * PostgreSQL template database. Each test file then copies it (src/db/testing.ts). And makes the run's temporary
 * directory, where tests make theirs (test/temp.ts), removed with all in it when the run ends.
 */
export default async function setup(project: TestProject) {
  mkdirSync(TMP, { recursive: true });
  const root = mkdtempSync(path.join(tmpdir(), 'arrival-test-'));
  project.provide('testRoot', root);
  const pglite = await openPglite({});
  await pglite.migrate();
  const dump = await pglite.client.dumpDataDir('none');
  await pglite.close();
  const file = path.join(TMP, `pglite-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);

  const url = process.env.DATABASE_URL;
  let template: string | undefined;
  if (url) {
    template = await createPostgresTemplate(url);
    project.provide('postgresTemplate', template);
  }
  return async () => {
    rmSync(file, { force: true });
    rmSync(root, { recursive: true, force: true });
    if (url && template) await dropPostgresDatabase(url, template);
  };
}
