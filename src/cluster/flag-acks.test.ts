import { describe, expect, it } from 'vitest';
import { createFlagAcks } from './flag-acks.ts';

const a = { slot: 0, pid: 1, id: 1 };
const b = { slot: 1, pid: 2, id: 2 };

describe('flag acknowledgements from proxy workers', () => {
  it('answers in force once every serving worker acknowledged the snapshot or a later one', async () => {
    const acks = createFlagAcks();
    const seq = acks.next();
    const waiting = acks.waitFor(seq, [a, b], 60_000);
    acks.acknowledged(a.id, seq);
    acks.acknowledged(b.id, acks.next());
    expect(await waiting).toEqual({ inForce: true, workers: 2, acknowledged: 2, notAcknowledged: [] });
  });

  it('does not wait for a worker that exited (it serves nothing)', async () => {
    const acks = createFlagAcks();
    const seq = acks.next();
    const waiting = acks.waitFor(seq, [a, b], 60_000);
    acks.acknowledged(a.id, seq);
    acks.forget(b.id);
    expect(await waiting).toEqual({ inForce: true, workers: 1, acknowledged: 1, notAcknowledged: [] });
  });

  it('answers at the deadline naming the slots that never acknowledged, and not in force', async () => {
    const acks = createFlagAcks();
    const seq = acks.next();
    acks.acknowledged(a.id, seq);
    acks.acknowledged(b.id, seq - 1);
    expect(await acks.waitFor(seq, [a, b], 1)).toEqual({ inForce: false, workers: 2, acknowledged: 1, notAcknowledged: [1] });
  });
});
