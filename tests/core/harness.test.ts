import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/ficus/test-ficus.ts';

describe('ficus harness', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('serves through an in-process Ficus and flips a flag', async () => {
    h = await startHarness();
    const before = (await (await fetch(`${h.proxyUrl}/items/1`)).json()) as { side: string };
    expect(before.side).toBe('legacy');
    await h.setFlagMode('ficus.items', 'new');
    const after = (await (await fetch(`${h.proxyUrl}/items/1`)).json()) as { side: string };
    expect(after.side).toBe('new');
    expect(h.logs.some((l) => l.event === 'listening')).toBe(true);
  });
});
