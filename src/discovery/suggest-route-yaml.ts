// A starting point for the route that would migrate an unmigrated endpoint: each '*' segment becomes
// a parameter named after the word before it (`/charts/*` → `:chartId`), and the stickiness key is
// the patient's parameter when the path names patients — otherwise the first one. Keying a canary on
// a segment that is the same for every patient (a tenant or app prefix) would move everyone at once.
import type { MapEntry } from './read-migration-map.ts';

const PATIENT_WORDS = /^(patients?|Patient|charts?|persons?)$/;

export function suggestRouteYaml(entry: Pick<MapEntry, 'method' | 'template'>, options: { readonly newUpstream?: string } = {}): string {
  const segments = entry.template.split('/');
  const params: { name: string; patient: boolean }[] = [];
  const path = segments.map((segment, i) => {
    if (segment === '…') return '*';
    if (segment !== '*') return segment;
    const before = segments[i - 1] ?? '';
    const word = before && before !== '*' && before !== '…' ? before : '';
    let name = word ? `${camel(singular(word))}Id` : `p${params.length + 1}`;
    if (params.some((p) => p.name === name)) name = `${name}${params.length + 1}`;
    params.push({ name, patient: PATIENT_WORDS.test(word) });
    return `:${name}`;
  }).join('/');
  const words = segments.filter((s) => s && s !== '*' && s !== '…').map((s) => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase());
  const id = [...words, entry.method.toLowerCase()].join('-').slice(0, 60) || 'root';
  const lines = [
    `  - id: ${id}`,
    `    description: ${entry.method} ${entry.template} (suggested by the migration map)`,
    `    match: { methods: [${entry.method}], path: ${path} }`,
    `    new: ${options.newUpstream ?? 'ehr-next'}`,
    `    flag: ficus.${id}`,
  ];
  const sticky = params.find((p) => p.patient) ?? params[0];
  if (sticky) lines.push(`    stickiness: { path: ${sticky.name} }`);
  if (!['GET', 'HEAD', 'OPTIONS'].includes(entry.method)) lines.push('    shadow: { writes: dry-run }  # writes are mirrored only under the dry-run contract');
  return lines.join('\n') + '\n';
}

function singular(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

function camel(word: string): string {
  const parts = word.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return parts.map((p, i) => (i === 0 ? p.charAt(0).toLowerCase() + p.slice(1) : p.charAt(0).toUpperCase() + p.slice(1))).join('') || 'p';
}
