// The autopilot's controller on a real store (SQLite and PostgreSQL): the lease, the persisted
// state and the audit trail. Evidence is handed in per test (what the rollups would say), and flag
// flips are recorded, so each test states the traffic situation it proves a decision for.
import { describe, expect, it } from 'vitest';
import type { Mode } from '../../src/shared/words.ts';
import { createRolloutController, type RolloutAudit, type RolloutControllerDeps } from '../../src/rollout/create-rollout-controller.ts';
import type { StepEvidence } from '../../src/rollout/evaluate-gates.ts';
import { rolloutPlanSchema } from '../../src/rollout/rollout-plan.ts';
import { testEngines } from '../support/store/engines.ts';

const plan = rolloutPlanSchema.parse({
  steps: [{ shadow: true, bakeMinutes: 1, minComparisons: 10 }, { canary: 10, bakeMinutes: 1, minRequests: 10 }, { new: true, bakeMinutes: 1, minRequests: 10 }],
});
const healthy: StepEvidence = {
  bakedMs: 0, requests: 50, comparisons: 50, readiness: 'ready', readinessReasons: [], newErrorRate: 0, legacyErrorRate: 0, newP99Ms: 10, legacyP99Ms: 10, breakerOpen: false,
};

function harness(db: RolloutControllerDeps['db'], holder: string, clock: { now: number }, evidence: () => Partial<StepEvidence> | Promise<Partial<StepEvidence>> = () => ({})) {
  const flips: { route: string; mode: Mode; percent: number }[] = [];
  const audits: RolloutAudit[] = [];
  const controller = createRolloutController({
    db, holder, now: () => clock.now, leaseTtlMs: 10_000,
    planOf: (route) => (route === 'patient-read' ? plan : undefined),
    stepEvidence: async (_route, since) => ({ ...healthy, bakedMs: clock.now - since, ...(await evidence()) }),
    setMode: async (route, mode, percent) => void flips.push({ route, mode, percent }),
    audit: async (entry) => void audits.push(entry),
  });
  return { controller, flips, audits };
}

for (const engine of testEngines()) {
  describe(`rollout controller on ${engine.name}`, () => {
    it('walks a plan with healthy evidence, waits for approval before new, and records who approved', async () => {
      const clock = { now: 1_000_000 };
      const { controller, flips, audits } = harness((await engine.freshStore()).db, 'a', clock);
      await controller.start('patient-read', 'cto', 'begin migration');
      for (let i = 0; i < 4; i += 1) {
        await controller.tick();
        clock.now += 61_000;
      }
      expect(flips.map((f) => `${f.mode}:${f.percent}`)).toEqual(['shadow:0', 'canary:10']);
      expect((await controller.list())[0]).toMatchObject({ status: 'awaiting-approval', step: 'canary 10%' });
      // A night of waiting for a person is one audit entry, not one per tick.
      for (let i = 0; i < 5; i += 1) await controller.tick();
      expect(audits.filter((a) => a.action === 'rollout-decision' && a.details['action'] === 'await-approval')).toHaveLength(1);
      expect(await controller.approve('patient-read', 'cto', 'evidence reviewed')).toMatchObject({ status: 'running' });
      await controller.tick();
      expect(flips.at(-1)).toEqual({ route: 'patient-read', mode: 'new', percent: 0 });
      expect(audits.map((a) => a.action)).toContain('rollout-approved');
      expect(audits.find((a) => a.action === 'rollout-approved')).toMatchObject({ actor: 'cto', reason: 'evidence reviewed' });
    });

    it('a dry run decides and audits but flips nothing', async () => {
      const clock = { now: 1_000_000 };
      const { controller, flips, audits } = harness((await engine.freshStore()).db, 'a', clock);
      await controller.start('patient-read', 'cto', 'what would it do', { dryRun: true });
      for (let i = 0; i < 3; i += 1) { await controller.tick(); clock.now += 61_000; }
      expect(flips).toEqual([]);
      expect(audits.filter((a) => a.action === 'rollout-decision').map((a) => a.details['action'])).toEqual(['advance', 'advance', 'await-approval']);
    });

    it('rolls back on a 5xx burst and stops after the loop cap, asking for a person', async () => {
      const clock = { now: 1_000_000 };
      let burst = false;
      const { controller, flips } = harness((await engine.freshStore()).db, 'a', clock, () => (burst ? { newErrorRate: 0.3, legacyErrorRate: 0.001 } : {}));
      await controller.start('patient-read', 'cto', 'go');
      for (let i = 0; i < 12; i += 1) {
        burst = (await controller.list())[0]?.step === 'canary 10%';
        await controller.tick();
        clock.now += 61_000;
      }
      expect(flips.filter((f) => f.mode === 'canary')).toHaveLength(3);
      expect((await controller.list())[0]).toMatchObject({ status: 'stopped', step: 'shadow', rollbacks: 3 });
    });

    it('two replicas on one store: only the lease holder decides; when it dies the other takes over', async () => {
      const url = await engine.freshUrl();
      const clock = { now: 1_000_000 };
      const a = harness((await engine.open(url)).db, 'replica-a', clock);
      const b = harness((await engine.open(url)).db, 'replica-b', clock);
      await a.controller.start('patient-read', 'cto', 'go');
      expect(await a.controller.tick()).toBe(true);
      expect(await b.controller.tick()).toBe(false);
      clock.now += 61_000;
      // replica-a dies: no renewal. After the lease expires, replica-b continues from the stored state.
      clock.now += 11_000;
      expect(await b.controller.tick()).toBe(true);
      expect(b.flips).toEqual([{ route: 'patient-read', mode: 'canary', percent: 10 }]);
      expect(await a.controller.tick()).toBe(false);
    });

    it('a hold whose measured bake time moves every tick is audited once, not once per tick', async () => {
      const clock = { now: 1_000_000 };
      const { controller, audits } = harness((await engine.freshStore()).db, 'a', clock, () => ({ requests: 0 }));
      await controller.start('patient-read', 'cto', 'go');
      await controller.tick(); // → shadow
      for (let i = 0; i < 8; i += 1) { clock.now += 15_000; await controller.tick(); }
      expect((await controller.list())[0]?.step).toBe('canary 10%');
      const holds = audits.filter((a) => a.action === 'rollout-decision' && a.details['action'] === 'hold');
      // Three changes of what holds it (shadow baking; canary baking and without volume; canary
      // without volume), not one entry per tick with its new bake minutes.
      expect(holds).toHaveLength(3);
    });

    it('an abort made while a tick reads its evidence wins: the tick flips nothing', async () => {
      const clock = { now: 1_000_000 };
      let abortDuringRead: (() => Promise<unknown>) | undefined;
      const db = (await engine.freshStore()).db;
      const h = harness(db, 'a', clock, async () => {
        if (abortDuringRead) { const abort = abortDuringRead; abortDuringRead = undefined; await abort(); }
        return {};
      });
      await h.controller.start('patient-read', 'cto', 'go');
      await h.controller.tick(); // → shadow (no evidence read before the first step)
      clock.now += 61_000;
      abortDuringRead = () => h.controller.abort('patient-read', 'cto', 'stop now');
      await h.controller.tick();
      expect(h.flips.map((f) => f.mode)).toEqual(['shadow']);
      expect((await h.controller.list())[0]).toMatchObject({ status: 'aborted', step: 'shadow' });
    });

    it('refuses to start a route without a plan, and a second start while running', async () => {
      const { controller } = harness((await engine.freshStore()).db, 'a', { now: 1 });
      expect(await controller.start('billing', 'cto', 'x')).toMatchObject({ error: 'no_plan' });
      await controller.start('patient-read', 'cto', 'x');
      expect(await controller.start('patient-read', 'cto', 'x')).toMatchObject({ error: 'already_running' });
    });
  });
}
