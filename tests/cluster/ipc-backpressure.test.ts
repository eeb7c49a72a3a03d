// Regression (#12 item 6): a proxy worker's process.send queued without limit while the primary
// was slow. The channel now bounds what waits, drops evidence first (never control messages) and
// counts every drop, so nothing is lost uncounted.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FLOODER = fileURLToPath(new URL('./fixtures/flooding-worker.ts', import.meta.url));

describe('a worker IPC channel under backpressure', () => {
  it('drops and counts evidence batches past the bound while every control message arrives', async () => {
    const child = fork(FLOODER, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    const received: string[] = [];
    child.on('message', (m: { type: string }) => received.push(m.type));
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (t: string) => (out += t));
    await new Promise((resolve) => child.once('exit', resolve));
    const dropped = JSON.parse(out) as Record<string, number>;
    const differences = received.filter((t) => t === 'ficus:differences').length;
    expect(dropped['ficus:differences']).toBeGreaterThan(0);
    expect(differences + dropped['ficus:differences']!).toBe(200);
    expect(received.filter((t) => t !== 'ficus:differences')).toEqual(['ficus:audit', 'ficus:drained']);
  });
});
