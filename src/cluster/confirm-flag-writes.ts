// The primary's flag writer under `--workers`: the write itself (flags/ or Unleash), then the wait
// for every serving worker to acknowledge the new snapshot (flag-acks.ts), whose report rides on
// the result so the admin API and the CLI say whether the change is in force everywhere.
import type { ControlPlaneFlagWriter } from '../decision/create-flag-writer.ts';
import type { WorkersInForce } from '../decision/flag-writer.ts';

export function confirmFlagWrites(writer: ControlPlaneFlagWriter, confirm: () => Promise<WorkersInForce>): ControlPlaneFlagWriter {
  return {
    producedRevision: (revision) => writer.producedRevision(revision),
    ...(writer.ownsChange ? { ownsChange: writer.ownsChange } : {}),
    // The writer resolves once the change is in force in the primary's source, whose change listener
    // has already sent the snapshot down: the snapshot to wait for is the latest one.
    setMode: async (flag, mode, percent) => ({ ...(await writer.setMode(flag, mode, percent)), workers: await confirm() }),
    setKillSwitch: async (on) => ({ ...(await writer.setKillSwitch(on)), workers: await confirm() }),
  };
}
