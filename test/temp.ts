import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's own temporary directory (test/global-setup.ts), removed when the run ends. */
    testRoot: string;
  }
}

/** A new empty directory for a test, inside the run's temporary directory: nothing is left behind in /tmp. */
export function testDir(prefix = 'dir'): string {
  return mkdtempSync(path.join(inject('testRoot'), `${prefix}-`));
}
