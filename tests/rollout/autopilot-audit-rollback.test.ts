// No flag change without its audit entry: when the autopilot's audit append fails (a lost store),
// the flag goes back to where it was and the rollout stays on its step — as the admin API does.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlagState } from '../../src/decision/flag-shape.ts';
import type { FlagWriter } from '../../src/decision/flag-writer.ts';
import { rolloutPlanSchema } from '../../src/rollout/rollout-plan.ts';
import { startAutopilot } from '../../src/rollout/start-autopilot.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { RouteConfig } from '../../src/config/load-routes.ts';

describe('autopilot flag changes and their audit', () => {
  it('puts the flag back and keeps the rollout on its step when the audit entry cannot be stored', async () => {
    const store = await openStore({ url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'ficus-ap-')), 'ficus.db')}` });
    let flag: FlagState = { mode: 'legacy', percent: 0 };
    const writes: FlagState[] = [];
    // The flag writer's contract (before/after), kept in memory: the store under test is real.
    const writer: FlagWriter = {
      async setMode(name, mode, percent) {
        const before = flag;
        flag = { mode, percent };
        writes.push(flag);
        return { flag: name, before, after: flag, target: 'memory' };
      },
      async setKillSwitch() { return { before: false, after: false }; },
    };
    const route = { id: 'items', flag: 'ficus.items', rollout: rolloutPlanSchema.parse({ steps: [{ shadow: true }] }) } as unknown as RouteConfig;
    let auditWorks = true;
    const autopilot = startAutopilot({
      db: store.db, holder: 'a', tickMs: 0, now: () => new Date(), routes: () => [route], writer, breakerState: () => 'closed',
      audit: async () => { if (!auditWorks) throw Object.assign(new Error('store lost'), { code: 'STORE_LOST' }); },
      onDecision: () => {}, onError: () => {},
    });
    try {
      await autopilot.controller.start('items', 'cto', 'go');
      auditWorks = false;
      await expect(autopilot.controller.tick()).rejects.toThrow('store lost');
      expect(writes).toEqual([{ mode: 'shadow', percent: 0 }, { mode: 'legacy', percent: 0 }]);
      expect(flag).toEqual({ mode: 'legacy', percent: 0 });
      expect((await autopilot.controller.list())[0]).toMatchObject({ status: 'running', step: 'legacy' });
      auditWorks = true;
      await autopilot.controller.tick();
      expect(flag).toEqual({ mode: 'shadow', percent: 0 });
    } finally {
      await autopilot.stop();
      await store.close();
    }
  });
});
