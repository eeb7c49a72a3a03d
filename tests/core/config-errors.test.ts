// CONFIG ERRORS: each malformed route file gives one clear error naming file, line and key; a
// real `node src/main.ts start` exits non-zero with it; a bad edit at run time keeps the last good table.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadRoutes } from '../../src/config/load-routes.ts';
import { DEFAULT_ROUTES, writeConfigDirs } from '../support/ficus/config-files.ts';
import { spawnFicus } from '../support/ficus/ficus-process.ts';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';

const UPSTREAMS = 'upstreams:\n  legacy:\n    url: http://127.0.0.1:9\n  next:\n    url: http://127.0.0.1:9\n';
const route = (extra: string, path = '/items/:id') => `routes:\n  - id: items\n    match: { path: ${path} }\n    new: next\n    flag: ficus.items\n${extra}`;

const CASES: { name: string; file: string; line: number; key?: RegExp; message: RegExp }[] = [
  // The parser notices the unclosed flow mapping of line 3 on the line after it.
  { name: 'bad YAML', file: 'routes:\n  - id: items\n    match: { path: /x\n    new: next\n', line: 4, message: /YAML/ },
  { name: 'an unknown key', file: route('    stickyness: { path: id }\n'), line: 6, key: /routes\[0\]\.stickyness/, message: /unrecognized|unknown/i },
  { name: 'a bad upstream URL', file: 'upstreams:\n  other:\n    url: ftp://nope\n', line: 3, key: /upstreams\.other\.url/, message: /http/ },
  { name: 'an unknown upstream', file: route('').replace('new: next', 'new: nowhere'), line: 2, key: /items\.new/, message: /unknown upstream "nowhere"/ },
  { name: 'a duplicate id', file: `${route('')}${route('').replace('routes:\n', '')}`, line: 6, key: /\bid\b/, message: /already defined/ },
  { name: 'a bad path pattern', file: route('', '/items//:id'), line: 2, key: /items\.match\.path/, message: /empty segment/ },
  { name: 'a stickiness param not in the pattern', file: route('    stickiness: { path: patient }\n'), line: 2, key: /items\.stickiness\.path/, message: /"patient" is not a parameter/ },
];

describe('config errors: loadRoutes', () => {
  it.each(CASES)('names file, line and key for $name', async ({ file, line, key, message }) => {
    const dir = mkdtempSync(join(tmpdir(), 'ficus-config-'));
    try {
      writeFileSync(join(dir, 'upstreams.yaml'), UPSTREAMS);
      writeFileSync(join(dir, 'routes.yaml'), file);
      const error = await loadRoutes(dir, { displayBase: dir }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(1);
      const [problem] = problems;
      expect(problem!.file).toBe('routes.yaml');
      expect(problem!.line).toBe(line);
      if (key) expect(problem!.key).toMatch(key);
      expect(problem!.message).toMatch(message);
      expect((error as ConfigError).message).toContain(`routes.yaml:${line}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('config errors: at start and at run time', () => {
  let h: TestFicus | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('makes `node src/main.ts start` exit non-zero with the file, line and key', async () => {
    const dirs = writeConfigDirs(route('    stickiness: { path: patient }\n'), { legacy: { url: 'http://127.0.0.1:9' }, next: { url: 'http://127.0.0.1:9' } }, { 'ficus.items': { mode: 'legacy' } });
    try {
      const run = spawnFicus(['--routes', dirs.routesDir, '--flags', dirs.flagsDir, '--data-dir', dirs.dataDir]);
      const { code } = await run.exited;
      expect(code).not.toBe(0);
      expect(run.stderr()).toMatch(/routes\.yaml:2: items\.stickiness\.path: "patient" is not a parameter/);
      expect(run.lines.some((l) => l.event === 'listening')).toBe(false);
    } finally {
      dirs.remove();
    }
  });

  it('keeps serving the last good route table when routes/ gets a bad edit, and logs it', async () => {
    h = await startTestFicus({ flags: { 'ficus.items': { mode: 'new' } } });
    expect(await h.writeRoutes(DEFAULT_ROUTES.replace('stickiness: { path: id }', 'stickyness: { path: id }'))).toBe('refused');
    const failure = h.logs.find((l) => l.event === 'routes-reload-failed')!;
    expect(String(failure.error)).toMatch(/routes\.yaml:\d+: routes\[0\]\.stickyness/);
    expect((await fetch(`${h.proxyUrl}/items/1`)).headers.get('x-side')).toBe('new');
    expect(await h.writeRoutes(DEFAULT_ROUTES.replace('/items/:id', '/things/:id'))).toBe('reloaded');
    expect((await fetch(`${h.proxyUrl}/things/1`)).headers.get('x-side')).toBe('new');
    expect((await fetch(`${h.proxyUrl}/items/1`)).headers.get('x-side')).toBe('legacy');
  });
});

