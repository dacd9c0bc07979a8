import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The few static files (CSS, icon, small scripts), held in memory under content-hashed names so that they can be
 * cached for a year: a changed file gets a new name. Too few to need @fastify/static.
 */
export interface Asset {
  /** The public name, e.g. `app.3f9a1c2b.css`. */
  name: string;
  body: Buffer;
  type: string;
}

export interface Assets {
  /** The public URL of a source file name, e.g. url('app.css') → `/assets/app.3f9a1c2b.css`. */
  url(source: string): string;
  get(name: string): Asset | undefined;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

export function loadAssets(dir: string = ASSETS_DIR): Assets {
  const byName = new Map<string, Asset>();
  const urls = new Map<string, string>();
  for (const file of readdirSync(dir)) {
    const ext = path.extname(file);
    const type = TYPES[ext];
    if (!type) continue;
    const body = readFileSync(path.join(dir, file));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
    const name = `${path.basename(file, ext)}.${hash}${ext}`;
    byName.set(name, { name, body, type });
    urls.set(file, `/assets/${name}`);
  }
  return {
    url(source) {
      const url = urls.get(source);
      if (!url) throw new Error(`No asset named ${source} in ${dir}`);
      return url;
    },
    get: (name) => byName.get(name),
  };
}
