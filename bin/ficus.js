#!/usr/bin/env node
// `npx ficus …`: runs the TypeScript source in a checkout (Node 24 strips types natively), or the
// compiled dist/ where there is no source (the production image). The source wins so that a stale
// dist/ can never run in place of the code beside it. npx puts node_modules/.bin first on PATH, so
// `node` is the project's pinned Node 24.
import { existsSync } from 'node:fs';
import process from 'node:process';
// The Node 24 requirement is checked here, on the Node that runs Ficus, not as package.json
// `engines`: npm checks `engines` against the Node npm itself runs on (the system's 20 here), so
// it could only ever print false EBADENGINE warnings — on every first `npx ficus` of a checkout too.
if (!process.version.startsWith('v24.')) {
  process.stderr.write(`ficus needs Node 24, this is ${process.version}: run it through npx, npm start or node_modules/.bin/node (the pinned 'node' devDependency), or the node:24 image\n`);
  process.exit(1);
}
import { URL } from 'node:url';
const source = new URL('../src/main.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('../dist/main.js', import.meta.url).href);
