// Pass-through from zero routes (issue 14 item 4): an empty routes/ is the first step of every
// strangler migration — Ficus in front, every request to legacy untouched — so it starts with a
// warning instead of being refused. And /readyz stops reporting a config error once the route
// files are back to valid content, even when that content is the one already in force.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadRoutes } from '../../src/config/load-routes.ts';
import { DEFAULT_ROUTES, makeConfigDirs } from '../support/ficus/config-files.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { startEchoUpstream, type TestUpstream } from '../support/upstreams/http-upstream.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function emptyDirs() {
  const dirs = makeConfigDirs('ficus-zero-');
  cleanups.push(() => dirs.remove());
  return dirs;
}

describe('zero routes', () => {
  it('loads an empty routes/ as pure pass-through, with a warning, when legacy is given', async () => {
    const { routesDir } = emptyDirs();
    const config = await loadRoutes(routesDir, { urlOverrides: { legacy: 'http://127.0.0.1:9' } });
    expect(config.routes).toEqual([]);
    expect(config.upstreams.get('legacy')?.url).toBe('http://127.0.0.1:9');
    expect(config.warnings).toEqual([expect.stringMatching(/no route files .* every request passes through to legacy untouched/)]);
  });

  it('still refuses an empty routes/ with no legacy upstream to pass through to', async () => {
    const { routesDir } = emptyDirs();
    const error = await loadRoutes(routesDir).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/legacy upstream is not defined/);
  });

  it('starts with no route files and forwards every request to legacy untouched', async () => {
    const legacy: TestUpstream = await startEchoUpstream('legacy');
    cleanups.push(() => legacy.close());
    const { logs, proxyUrl, close } = await startTestFicus({ routes: false, settings: { upstreamUrls: { legacy: legacy.url } } });
    cleanups.push(close);

    expect(logs.find((l) => l.event === 'routes-warning')?.msg).toMatch(/no route files/);
    const response = await fetch(`${proxyUrl}/fhir/Patient/pat-0001?_format=json&a=1&a=2`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-side')).toBe('legacy');
    expect(legacy.received.map((r) => r.url)).toEqual(['/fhir/Patient/pat-0001?_format=json&a=1&a=2']);
  });
});

describe('readiness after a bad route edit', () => {
  let h: TestFicus | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const configError = async (harness: TestFicus) => ((await (await fetch(`${harness.adminUrl}/readyz`)).json()) as { configError: string | null }).configError;

  it('clears the config error when the file is restored to its last good content (regression: it stayed)', async () => {
    h = await startTestFicus();
    expect(await h.writeRoutes(DEFAULT_ROUTES.replace('stickiness: { path: id }', 'stickyness: { path: id }'))).toBe('refused');
    expect(await configError(h)).toMatch(/stickyness/);

    // The same bytes as the table in force: nothing to reload, but nothing wrong any more either.
    expect(await h.writeRoutes(DEFAULT_ROUTES)).toBe('unchanged');
    expect(await configError(h)).toBeNull();
  });
});
