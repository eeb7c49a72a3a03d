// A starting point for the route that would migrate an unmigrated endpoint: the template's '*'
// segments become named parameters, the first one the stickiness key (a patient-scoped path's id).
import type { MapEntry } from './create-migration-map.ts';

export function suggestRouteYaml(entry: Pick<MapEntry, 'method' | 'template'>, options: { readonly newUpstream?: string } = {}): string {
  let n = 0;
  const params: string[] = [];
  const path = entry.template.split('/').map((segment) => {
    if (segment !== '*') return segment;
    const name = n === 0 ? 'id' : `p${n}`;
    n += 1;
    params.push(name);
    return `:${name}`;
  }).join('/');
  const words = entry.template.split('/').filter((s) => s && s !== '*').map((s) => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase());
  const id = [...words, entry.method.toLowerCase()].join('-').slice(0, 60) || 'root';
  const lines = [
    `  - id: ${id}`,
    `    description: ${entry.method} ${entry.template} (suggested by the migration map)`,
    `    match: { methods: [${entry.method}], path: ${path} }`,
    `    new: ${options.newUpstream ?? 'ehr-next'}`,
    `    flag: ficus.${id}`,
  ];
  if (params.length > 0) lines.push(`    stickiness: { path: ${params[0]} }`);
  if (!['GET', 'HEAD', 'OPTIONS'].includes(entry.method)) lines.push('    shadow: { writes: dry-run }  # writes are mirrored only under the dry-run contract');
  return lines.join('\n') + '\n';
}
