// The fleet's monitoring, checked with the real tools (issue 14 item 7): promtool runs the rule
// unit tests, and a real Prometheus (Debian's `prometheus`, installed by scripts/setup-system.sh)
// scrapes a running Ficus on loopback and evaluates the shipped rules against what it scraped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { REPO_ROOT } from '../support/repo-root.ts';

const RULES = join(REPO_ROOT, 'deploy/prometheus/ficus-rules.yml');
const RULE_TESTS = join(REPO_ROOT, 'deploy/prometheus/ficus-rules.test.yml');
const MISSING = 'needs Debian\'s prometheus package (promtool, prometheus): bash scripts/setup-system.sh';

function requireTool(name: string): string {
  const path = `/usr/bin/${name}`;
  if (!existsSync(path)) throw new Error(`${name} not found: ${MISSING}`);
  return path;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface Alert { labels: Record<string, string>; state: string }

describe('Prometheus rules for Ficus', () => {
  it('pass their promtool unit tests', () => {
    const run = spawnSync(requireTool('promtool'), ['test', 'rules', RULE_TESTS], { encoding: 'utf8' });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('SUCCESS');
  });

  let prometheus: ChildProcess | undefined;
  let h: TestFicus | undefined;
  let work: string | undefined;
  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      await new Promise((r) => prometheus!.once('exit', r));
    }
    await h?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('evaluate against a real Prometheus scraping a running Ficus: the kill switch alert goes pending', { timeout: 60_000 }, async () => {
    const binary = requireTool('prometheus');
    h = await startTestFicus({ settings: { killSwitch: true } });
    for (let i = 0; i < 5; i++) await fetch(`${h.proxyUrl}/items/${i}`);
    work = mkdtempSync(join(tmpdir(), 'ficus-prometheus-'));
    const target = new URL(h.adminUrl).host;
    writeFileSync(join(work, 'prometheus.yml'), [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ["${RULES}"]`,
      'scrape_configs:',
      `  - { job_name: ficus, static_configs: [ { targets: ["${target}"] } ] }`,
      '',
    ].join('\n'));
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    let output = '';
    prometheus = spawn(binary, [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    prometheus.stderr!.on('data', (c: Buffer) => (output += c.toString()));

    const query = async (promql: string) => {
      const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`);
      return ((await response.json()) as { data: { result: { value: [number, string] }[] } }).data.result;
    };
    let alert: Alert | undefined;
    let scraped = false;
    for (const deadline = Date.now() + 45_000; !(alert && scraped) && Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      try {
        scraped = (await query('ficus_kill_switch{job="ficus"} == 1')).length === 1;
        const alerts = ((await (await fetch(`${api}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } }).data.alerts;
        alert = alerts.find((a) => a.labels.alertname === 'FicusKillSwitchOn');
      } catch {
        // Prometheus still starting
      }
    }
    expect(scraped, `Prometheus never scraped ficus_kill_switch == 1 from ${target}; its log:\n${output}`).toBe(true);
    expect(alert, `FicusKillSwitchOn never evaluated true; Prometheus log:\n${output}`).toBeDefined();
    expect(['pending', 'firing']).toContain(alert!.state);
    expect((await query('sum(ficus_requests_total{job="ficus",mode="legacy"})'))[0]?.value[1]).toBe('5');
  });
});
