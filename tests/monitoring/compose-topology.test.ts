// deploy/: the compose fleet is the topology the issue names, with the settings the scale-out test
// runs; Prometheus scrapes every replica; the rules and the Grafana dashboard use only series a
// running Ficus really exposes (read from its /metrics) or recording rules defined beside them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestFicus, type TestFicus } from '../support/ficus/test-ficus.ts';
import { REPO_ROOT } from '../support/repo-root.ts';

const deploy = (path: string) => readFileSync(join(REPO_ROOT, 'deploy', path), 'utf8');

interface Service { build?: { context: string }; image?: string; environment?: Record<string, string>; volumes?: string[] }
const compose = parse(deploy('compose.yaml'), { merge: true }) as { services: Record<string, Service> };
const replicas = Object.entries(compose.services).filter(([name]) => /^ficus-\d+$/.test(name));
const rules = parse(deploy('prometheus/ficus-rules.yml')) as { groups: { rules: { record?: string; alert?: string; expr: string }[] }[] };
const dashboard = JSON.parse(deploy('grafana/ficus-dashboard.json')) as { panels: { targets: { expr: string }[] }[] };

describe('the compose fleet', () => {
  it('runs 2+ Ficus replicas from the image with the shared state the scale-out test uses', () => {
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    for (const name of ['postgres', 'unleash', 'otel-collector', 'prometheus', 'lb']) expect(compose.services[name], name).toBeDefined();
    for (const [name, service] of replicas) {
      const env = service.environment ?? {};
      expect(service.build?.context, name).toBe('..');
      expect(env.FICUS_DATABASE_URL, name).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      for (const key of ['FICUS_DIFF_KEY', 'FICUS_ADMIN_TOKEN', 'FICUS_LEGACY_URL', 'FICUS_STICKY_SALT']) expect(env[key], `${name} ${key}`).toBeTruthy();
      expect(env.FICUS_ACCESS_LOG, name).toBe('0');
      expect(env.UNLEASH_URL, name).toBe('http://unleash:4242/api');
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe('http://otel-collector:4318');
    }
    const shared = (key: string) => new Set(replicas.map(([, s]) => s.environment?.[key]));
    for (const key of ['FICUS_DATABASE_URL', 'FICUS_DIFF_KEY', 'FICUS_STICKY_SALT', 'UNLEASH_API_TOKEN']) expect(shared(key).size, key).toBe(1);
    const client = compose.services.unleash!.environment!.INIT_BACKEND_API_TOKENS;
    expect(client).toBe(replicas[0]![1].environment!.UNLEASH_API_TOKEN);
  });

  it('has Prometheus scrape every replica\'s admin port and load the shipped rules', () => {
    const config = parse(deploy('prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: { static_configs: { targets: string[] }[] }[] };
    const targets = config.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets.sort()).toEqual(replicas.map(([name]) => `${name}:8081`).sort());
    const mounts = compose.services.prometheus!.volumes ?? [];
    for (const file of config.rule_files) expect(mounts.some((m) => m.endsWith(`:${file}:ro`)), file).toBe(true);
  });
});

describe('rules and dashboard use real series only', () => {
  let h: TestFicus | undefined;
  afterAll(async () => h?.close());

  it('names only metrics in a running Ficus /metrics, or recording rules', async () => {
    h = await startTestFicus();
    const text = await (await fetch(`${h.adminUrl}/metrics`)).text();
    const exposed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    const recorded = new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
    const exprs = [...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)), ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))];
    const unknown = new Set<string>();
    for (const expr of exprs) {
      for (const [name] of expr.matchAll(/\bficus[_:][a-z0-9_:]*/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        if (!exposed.has(base) && !recorded.has(name)) unknown.add(name);
      }
    }
    expect([...unknown]).toEqual([]);
    expect(exposed.has('ficus_kill_switch')).toBe(true);
  });
});
