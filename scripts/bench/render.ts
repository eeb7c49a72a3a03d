// Re-renders scripts/bench/LATEST.md from load/results/bench.json (e.g. after changing the table
// layout) without measuring again.
//   node_modules/.bin/node scripts/bench/render.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderMarkdown } from './report.ts';
import type { BenchRun } from './bench-run.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const run = JSON.parse(readFileSync(`${projectRoot}/load/results/bench.json`, 'utf8')) as BenchRun;
const markdown = renderMarkdown(run);
writeFileSync(`${projectRoot}/scripts/bench/LATEST.md`, markdown);
process.stdout.write(markdown);
