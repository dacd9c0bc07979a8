// The franc language identifier in a thread of its own, for hsds.languages.ts (an import's records: ~1 s of
// franc for 10k services, while the import writes). Plain JavaScript: a worker thread loads it without tsx.
import { parentPort } from 'node:worker_threads';
import { franc } from 'franc-min';

parentPort?.once('message', ({ jobs, minLength }) => {
  parentPort?.postMessage(jobs.map(([text, only]) => franc(text, { only, minLength })));
});
