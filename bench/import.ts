/**
 * Import/export benchmark (part of `npm run bench`; alone: `node --import tsx bench/import.ts`). Numbers,
 * never pass/fail.
 *
 * A directory of BENCH_IMPORT_SERVICES synthetic services (default 10k) is seeded and exported with
 * exportHsds (tabular data package + services.json). Then, on PGlite in a temp data dir (as the CLI runs) and
 * on a throwaway PostgreSQL cluster (BENCH_SKIP_POSTGRES=1 to skip):
 *  - importHsds of services.json into a fresh database holding only the taxonomies (goal ≤ 10 s), and again
 *    into the same one (every id already there, nothing changed: rows and search documents are left as they are);
 *  - importHsds of the tabular package into a fresh database;
 *  - exportHsds out of the imported database.
 * On PostgreSQL only the imports of services.json run unless BENCH_IMPORT_FULL=1.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, openPglite, openPostgres } from '../src/db/driver.ts';
import { exportHsds, importHsds, seedSyntheticDirectory } from '../src/domains/directory/index.ts';
import { loadCatalogues } from '../src/i18n/index.ts';
import { log, mergeResults, mib, round1, SEED, startPostgres } from './lib.ts';

const SERVICES = Number(process.env.BENCH_IMPORT_SERVICES ?? 10_000);
const FULL = process.env.BENCH_IMPORT_FULL === '1';

const seconds = async <T>(run: () => Promise<T>): Promise<{ s: number; value: T }> => {
  const t = performance.now();
  const value = await run();
  return { s: round1((performance.now() - t) / 1000), value };
};

const dirBytes = (dir: string) =>
  readdirSync(dir).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);

async function main() {
  const root = mkdtempSync(path.join(tmpdir(), 'arrival-bench-import-'));
  const catalogues = loadCatalogues('en');
  const options = { locales: catalogues.locales, defaultLocale: 'en' };
  const rows: Record<string, Record<string, number | string>> = {};
  const results: Record<string, unknown> = {};
  let cluster: Awaited<ReturnType<typeof startPostgres>> | undefined;
  try {
    log(`import: seeding ${SERVICES} services…`);
    const source = await openPglite({});
    await source.migrate();
    const seeded = await seconds(() => seedSyntheticDirectory(source.db, SERVICES, SEED));
    const exported = path.join(root, 'export');
    const firstExport = await seconds(() => exportHsds(source.db, exported));
    await source.close();
    const servicesJson = path.join(exported, 'services.json');
    // services.json names each attribute's taxonomy_term but not its taxonomy, so on its own it is refused by
    // an empty directory ("taxonomy_term.taxonomy_id refers to taxonomy …"): the taxonomies go in first.
    const taxonomies = path.join(root, 'taxonomies');
    mkdirSync(taxonomies);
    copyFileSync(path.join(exported, 'taxonomies.csv'), path.join(taxonomies, 'taxonomies.csv'));
    results.source = {
      seedSeconds: seeded.s,
      exportSeconds: firstExport.s,
      counts: firstExport.value,
      servicesJsonMiB: mib(statSync(servicesJson).size),
      tabularMiB: mib(dirBytes(exported) - statSync(servicesJson).size),
    };
    rows['seed (seedSyntheticDirectory), PGlite in memory'] = { seconds: seeded.s };
    rows['export (exportHsds), PGlite in memory'] = { seconds: firstExport.s };

    const drivers: { name: string; open: (name: string) => Promise<Database> }[] = [
      { name: 'PGlite (data dir)', open: (name) => openPglite({ dataDir: path.join(root, name) }) },
    ];
    if (process.env.BENCH_SKIP_POSTGRES === '1') {
      results.postgres = 'skipped: BENCH_SKIP_POSTGRES=1';
    } else {
      cluster = await startPostgres();
      if ('skipped' in cluster) {
        results.postgres = `skipped: ${cluster.skipped}`;
        console.log(`PostgreSQL import skipped: ${cluster.skipped}`);
      } else {
        const url = cluster.url;
        drivers.push({
          name: `PostgreSQL ${cluster.version}`,
          open: async (name) => {
            const admin = new pg.Client({ connectionString: url });
            await admin.connect();
            await admin.query(`create database ${name}`);
            await admin.end();
            const u = new URL(url);
            u.pathname = `/${name}`;
            return openPostgres(u.toString(), { max: 4 });
          },
        });
      }
    }

    for (const [i, driver] of drivers.entries()) {
      const all = FULL || i === 0;
      log(`import: ${driver.name}…`);
      const json = await driver.open('import_json');
      await json.migrate();
      await importHsds(json.db, taxonomies, options);
      const first = await seconds(() => importHsds(json.db, servicesJson, options));
      rows[`import services.json, fresh (taxonomies only), ${driver.name}`] = { seconds: first.s };
      const result: Record<string, number> = { importJsonSeconds: first.s, services: first.value.services };
      const again = await seconds(() => importHsds(json.db, servicesJson, options));
      rows[`import services.json again (unchanged), ${driver.name}`] = { seconds: again.s };
      result.reimportJsonSeconds = again.s;
      if (all) {
        const exportAgain = await seconds(() => exportHsds(json.db, path.join(root, `export-${json.kind}`)));
        rows[`export (exportHsds), ${driver.name}`] = { seconds: exportAgain.s };
        result.exportSeconds = exportAgain.s;
      }
      await json.close();
      if (all) {
        const tabular = await driver.open('import_tabular');
        await tabular.migrate();
        const fromTabular = await seconds(() => importHsds(tabular.db, exported, options));
        await tabular.close();
        rows[`import tabular package, fresh, ${driver.name}`] = { seconds: fromTabular.s };
        result.importTabularSeconds = fromTabular.s;
      }
      results[driver.name] = { ...result, goalImportSeconds: 10 };
    }
    console.log(
      `\nImport/export of ${SERVICES} services (services.json ${mib(statSync(servicesJson).size)} MiB; goal: import ≤ 10 s)`,
    );
    console.table(rows);
    mergeResults('importExport', { services: SERVICES, ...results });
  } finally {
    if (cluster && !('skipped' in cluster)) cluster.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
