import { describe, expect, it } from 'vitest';
import { acquireLease, leaseHolder, releaseLease } from '../../src/store/leases.ts';
import { listRollouts, loadRollout, saveRollout } from '../../src/store/rollouts.ts';
import { testEngines } from '../support/store/engines.ts';

for (const engine of testEngines()) {
  describe(`leases and rollouts on ${engine.name}`, () => {
    it('two replicas on one store: exactly one holds the lease; when it stops renewing, the other takes over', async () => {
      const url = await engine.freshUrl();
      const a = await engine.open(url);
      const b = await engine.open(url);
      const results = await Promise.all([acquireLease(a.db, 'autopilot', 'replica-a', 10_000, 1_000), acquireLease(b.db, 'autopilot', 'replica-b', 10_000, 1_000)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const leader = results[0] ? 'replica-a' : 'replica-b';
      const follower = leader === 'replica-a' ? { id: 'replica-b', db: b.db } : { id: 'replica-a', db: a.db };
      expect(await leaseHolder(a.db, 'autopilot', 2_000)).toBe(leader);
      // The leader renews; the follower keeps being refused.
      expect(await acquireLease((leader === 'replica-a' ? a : b).db, 'autopilot', leader, 10_000, 5_000)).toBe(true);
      expect(await acquireLease(follower.db, 'autopilot', follower.id, 10_000, 6_000)).toBe(false);
      // The leader dies (stops renewing): past its expiry the follower takes over.
      expect(await acquireLease(follower.db, 'autopilot', follower.id, 10_000, 15_001)).toBe(true);
      expect(await leaseHolder(a.db, 'autopilot', 15_002)).toBe(follower.id);
      // The old leader, back, is refused: it must stop deciding.
      expect(await acquireLease((leader === 'replica-a' ? a : b).db, 'autopilot', leader, 10_000, 16_000)).toBe(false);
      await releaseLease(follower.db, 'autopilot', follower.id);
      expect(await leaseHolder(a.db, 'autopilot', 16_001)).toBeNull();
    });

    it('rollout state survives a reopen of the store', async () => {
      const url = await engine.freshUrl();
      const first = await engine.open(url);
      const row = { route: 'patient-read', plan: '{"steps":[]}', status: 'running', step: 2, step_started_ms: 1_700_000_000_000, rollbacks: 1, approved_step: null, dry_run: 0, started_by: 'cto', updated_ms: 1_700_000_000_500, last_decision: null };
      await saveRollout(first.db, row);
      await saveRollout(first.db, { ...row, step: 3, approved_step: 3 });
      const second = await engine.open(url);
      expect(await loadRollout(second.db, 'patient-read')).toEqual({ ...row, step: 3, approved_step: 3 });
      expect(await listRollouts(second.db)).toHaveLength(1);
    });
  });
}
