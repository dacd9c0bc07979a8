import { Worker } from 'node:worker_threads';
import { franc } from 'franc-min';
import { detectScript } from './normalize.ts';

const FRANC_TO_LANG: Record<string, string> = {
  eng: 'en',
  spa: 'es',
  fra: 'fr',
  por: 'pt',
  arb: 'ar',
  ukr: 'uk',
  pes: 'fa',
  rus: 'ru',
  deu: 'de',
  ita: 'it',
  tur: 'tr',
};
/** Shorter texts are too little for franc to tell languages apart. */
const MIN_LENGTH = 12;
/** Fewer texts than this are not worth a thread (it takes ~0.15 s to start; franc ~0.04 ms per text). */
export const WORKER_MIN_TEXTS = 2000;

/** What telling a text's language takes: its script alone decides, or franc chooses among these (ISO 639-3). */
type Detection = { lang: string | undefined } | { only: string[] };

function detection(text: string, candidates: readonly string[]): Detection {
  const script = detectScript(text);
  const byScript: Record<string, string[]> = { arabic: ['ar', 'fa'], cyrillic: ['uk', 'ru'] };
  const allowed = byScript[script] ?? candidates.filter((c) => !['ar', 'fa', 'uk', 'ru'].includes(c));
  const only = Object.entries(FRANC_TO_LANG)
    .filter(([, lang]) => allowed.includes(lang) && candidates.includes(lang))
    .map(([code]) => code);
  if (only.length <= 1) return { lang: only[0] === undefined ? undefined : FRANC_TO_LANG[only[0]] };
  return { only };
}

/**
 * The language of a record's text: by script first (Arabic script is Arabic or Persian, Cyrillic is Ukrainian or
 * Russian), then the franc language identifier among the city's languages; undefined when unsure.
 */
export function detectLanguage(text: string, candidates: readonly string[]): string | undefined {
  const d = detection(text, candidates);
  return 'lang' in d ? d.lang : FRANC_TO_LANG[franc(text, { only: d.only, minLength: MIN_LENGTH })];
}

export type FrancJob = [text: string, only: string[]];

/** franc on each job in a thread of its own (franc.worker.js). */
export function francInWorker(jobs: FrancJob[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./franc.worker.js', import.meta.url));
    worker.once('message', (guesses: string[]) => {
      resolve(guesses);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the language worker stopped (${code})`)));
    worker.postMessage({ jobs, minLength: MIN_LENGTH });
  });
}

/**
 * detectLanguage for many texts, franc running in a worker thread: the caller's thread is free meanwhile (an
 * import writes the tables that have no text while the languages of the others are found). Never rejects: without
 * a worker, franc runs here.
 */
export async function detectLanguages(
  texts: readonly string[],
  candidates: readonly string[],
): Promise<(string | undefined)[]> {
  const langs: (string | undefined)[] = [];
  const jobs: FrancJob[] = [];
  const at: number[] = [];
  texts.forEach((text, i) => {
    const d = detection(text, candidates);
    if ('lang' in d) {
      langs[i] = d.lang;
    } else {
      jobs.push([text, d.only]);
      at.push(i);
    }
  });
  const here = () => jobs.map(([text, only]) => franc(text, { only, minLength: MIN_LENGTH }));
  const guesses = jobs.length < WORKER_MIN_TEXTS ? here() : await francInWorker(jobs).catch(here);
  at.forEach((i, k) => {
    langs[i] = FRANC_TO_LANG[guesses[k] ?? ''];
  });
  return langs;
}
