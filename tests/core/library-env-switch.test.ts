// The forwarding library reads one switch from the environment on every call: http-proxy-3 sends
// every request through its fetch path when FORCE_FETCH_PATH=true (its own test switch). That path
// bypasses the agent Ficus renders the head through (src/dispatch/proxy-adapter.ts), so the upstream
// got no header Ficus built. main.ts removes the variable at start; this runs Ficus as a process with
// it set and checks the upstream still gets the client's lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigDirs } from '../support/ficus/config-files.ts';
import { startFicusProcess, stopFicusProcess, type FicusProcess } from '../support/ficus/ficus-process.ts';
import { send, withoutHeaders } from '../support/http/raw-http.ts';
import { startRecordingUpstream, type RecordingUpstream } from '../support/upstreams/recording-upstream.ts';

/** Ficus as a process with zero routes in front of a recording upstream, with `env` added. */
function ficusWithEnvironment(env: NodeJS.ProcessEnv): { upstream(): RecordingUpstream; ficus(): FicusProcess } {
  let upstream: RecordingUpstream;
  let ficus: FicusProcess;
  let remove: (() => void) | undefined;
  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    const dirs = writeConfigDirs('routes: []\n', { legacy: { url: upstream.url } }, {});
    remove = dirs.remove;
    ficus = await startFicusProcess(['--routes', dirs.routesDir, '--flags', dirs.flagsDir, '--data-dir', dirs.dataDir], {
      ...env,
      FICUS_DIFF_KEY: 'test-diff-key-0123456789abcdef-0123456789',
    });
  });
  afterAll(async () => {
    await stopFicusProcess(ficus);
    await upstream?.close();
    remove?.();
  });
  return { upstream: () => upstream, ficus: () => ficus };
}

describe('forwarding library switches in the environment', () => {
  const running = ficusWithEnvironment({ FORCE_FETCH_PATH: 'true' });

  it('renders the client\'s header lines and target even when FORCE_FETCH_PATH=true is set', async () => {
    const headers = ['Host', 'ehr.example', 'X-A', '1', 'X-B', '2', 'x-a', '3', 'Cookie', 'a=1', 'Cookie', 'b=2'];
    expect((await send(running.ficus().proxyUrl, { path: '//chart//7?q=%2F', headers })).status).toBe(200);
    const [seen] = await running.upstream().requestCount(1);
    expect(seen!.requestLine).toBe('GET //chart//7?q=%2F HTTP/1.1');
    expect(withoutHeaders(seen!.headerLines, ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'connection', 'traceparent'])).toEqual(withoutHeaders(headers, []));
  });
});

// DEBUG=* is what an operator sets to debug something else; http-proxy-3 then wrote every request's
// raw target (here a patient's MRN) to stderr through its `debug` namespace.
describe('forwarding library debug output', () => {
  const running = ficusWithEnvironment({ DEBUG: '*', DEBUG_COLORS: 'no' });

  it('never writes a request target to stderr, even with DEBUG=*', async () => {
    expect((await send(running.ficus().proxyUrl, { path: '/chart/MRN-CANARY-48213?name=Quigglesworth', headers: ['Host', 'ehr.example'] })).status).toBe(200);
    await running.upstream().requestCount(1);
    await stopFicusProcess(running.ficus());
    expect(running.ficus().stderr() + JSON.stringify(running.ficus().lines)).not.toMatch(/MRN-CANARY-48213|Quigglesworth/);
  });
});
