// The kill switch sends every route to legacy: from the environment at start, or from the
// `ficus.kill-switch` flag within one flag refresh.
import { afterEach, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config/env.ts';
import { flagsFileText } from '../support/ficus/config-files.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

const ALL_NEW = { 'ficus.items': { mode: 'new' as const }, 'ficus.search': { mode: 'new' as const }, 'ficus.open': { mode: 'new' as const } };
const PATHS = ['/items/1', '/search?patient=p1', '/open/anything'];

async function sides(h: TestFicus): Promise<string[]> {
  return Promise.all(PATHS.map(async (p) => ((await (await fetch(`${h.proxyUrl}${p}`)).json()) as { side: string }).side));
}

function withKillSwitch(enabled: boolean): string {
  const file = JSON.parse(flagsFileText(ALL_NEW)) as { version: number; features: unknown[] };
  file.features.push({ name: 'ficus.kill-switch', type: 'kill-switch', project: 'default', enabled, strategies: [{ name: 'default', parameters: {}, constraints: [] }] });
  return `${JSON.stringify(file, null, 2)}\n`;
}

describe('kill switch', () => {
  let h: TestFicus | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('moves every route to legacy within one flag refresh and back when it is turned off', async () => {
    h = await startTestFicus({ flags: ALL_NEW });
    expect(await sides(h)).toEqual(['new', 'new', 'new']);
    await h.writeFlagsFile(withKillSwitch(true)); // returns once Ficus evaluates the new revision
    expect(await sides(h)).toEqual(['legacy', 'legacy', 'legacy']);
    const api = (await (await fetch(`${h.adminUrl}/api/routes`, { headers: { authorization: 'Bearer test-token' } })).json()) as { killSwitch: boolean; routes: { effectiveMode: string }[] };
    expect(api.killSwitch).toBe(true);
    expect(api.routes.map((r) => r.effectiveMode)).toEqual(['legacy (kill switch)', 'legacy (kill switch)', 'legacy (kill switch)']);
    await h.writeFlagsFile(withKillSwitch(false));
    expect(await sides(h)).toEqual(['new', 'new', 'new']);
  });

  it('takes effect when the flag file is edited by hand (bounded poll for the next request)', async () => {
    h = await startTestFicus({ flags: ALL_NEW });
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    writeFileSync(join(h.flagsDir, 'features.json'), withKillSwitch(true));
    let served = 'new';
    for (let i = 0; i < 200 && served !== 'legacy'; i++) {
      served = ((await (await fetch(`${h.proxyUrl}/items/1`)).json()) as { side: string }).side;
      if (served !== 'legacy') await new Promise((r) => setTimeout(r, 10));
    }
    expect(served).toBe('legacy');
    expect(await sides(h)).toEqual(['legacy', 'legacy', 'legacy']);
  });

  it('FICUS_KILL_SWITCH=1 serves every route from legacy whatever the flags say', async () => {
    const { killSwitch } = readSettings([], { FICUS_KILL_SWITCH: '1' });
    expect(killSwitch).toBe(true);
    h = await startTestFicus({ flags: ALL_NEW, settings: { killSwitch } });
    expect(await sides(h)).toEqual(['legacy', 'legacy', 'legacy']);
  });
});
