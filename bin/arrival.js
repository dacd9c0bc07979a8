#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx arrival` works right after `npm ci`
// with no build step (DESIGN.md "Contract details").
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
