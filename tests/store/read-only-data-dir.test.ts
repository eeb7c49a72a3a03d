// #13 item 10: a restart onto a read-only volume that already holds the diff key must start.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestFicus } from '../support/ficus/test-ficus.ts';
import { makeReadOnly } from '../support/store/read-only-dir.ts';

describe('a read-only data directory', () => {
  it('starts and serves when the directory already holds the diff key (no DIFF_KEY_INVALID EACCES)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ficus-ro-data-'));
    const settings = { dataDir, databaseUrl: `sqlite:${join(mkdtempSync(join(tmpdir(), 'ficus-ro-db-')), 'ficus.db')}` };
    const first = await startTestFicus({ settings });
    await first.close();
    const restore = makeReadOnly(dataDir);
    try {
      const second = await startTestFicus({ settings });
      try {
        expect((await fetch(`${second.proxyUrl}/items/1`)).status).toBe(200);
        expect((await fetch(`${second.adminUrl}/readyz`)).status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      restore();
    }
  });
});
