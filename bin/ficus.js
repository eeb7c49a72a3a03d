#!/usr/bin/env node
// `npx ficus …`: runs the compiled CLI when built (dist/), else the TypeScript source directly
// (Node 24 strips types natively). npx puts node_modules/.bin first on PATH, so `node` is the
// project's pinned Node 24.
import { existsSync } from 'node:fs';
const compiled = new URL('../dist/main.js', import.meta.url);
await import(existsSync(compiled) ? compiled.href : new URL('../src/main.ts', import.meta.url).href);
