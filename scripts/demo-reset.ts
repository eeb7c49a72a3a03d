// `npm run demo:reset`: deletes the demo's own state folder — its SQLite store, its copy of the
// flags (what `ficus set` changed), its diff key and its log — so the next `npm start` begins again
// from the checkout's flags/ with no evidence. Refuses while a demo is running on that folder.
//   npm run demo:reset [-- --data-dir DIR]      (default: FICUS_DATA_DIR, else data/demo)
import { existsSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runningDemoPid } from '../src/demo/console/demo-pid-file.ts';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
const dataDir = resolve(values['data-dir'] ?? process.env.FICUS_DATA_DIR ?? 'data/demo');
const shown = relative(process.cwd(), dataDir) || dataDir;

const pid = runningDemoPid(dataDir);
if (pid !== undefined) {
  process.stderr.write(`demo:reset: a demo is running on ${shown} (pid ${pid}); stop it (Ctrl-C) first.\n`);
  process.exit(1);
}
if (!existsSync(dataDir)) {
  process.stdout.write(`demo:reset: nothing to reset (${shown} does not exist).\n`);
} else {
  rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(`demo:reset: removed ${shown} (store, flags, log); npm start begins again from flags/.\n`);
}
