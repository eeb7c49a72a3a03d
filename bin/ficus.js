#!/usr/bin/env node
// `npx ficus …`: runs the TypeScript source in a checkout (Node 24 strips types natively), or the
// compiled dist/ where there is no source (the production image). The source wins so that a stale
// dist/ can never run in place of the code beside it. npx puts node_modules/.bin first on PATH, so
// `node` is the project's pinned Node 24.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';
const source = new URL('../src/main.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('../dist/main.js', import.meta.url).href);
