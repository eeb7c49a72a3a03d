// Patient search semantics shared by both upstreams (the new service was built to match legacy):
// `name` is a case-insensitive prefix of the family or a given name, `identifier` is `value` or
// `system|value`. Searching with neither is refused rather than dumping the whole patient index.
import type { DemoStore } from './store.ts';
import type { PatientEntry } from './patients.ts';

export type PatientSearchResult =
  | { readonly kind: 'found'; readonly patients: PatientEntry[] }
  | { readonly kind: 'invalid'; readonly reason: string };

interface NameParts { readonly family?: string; readonly given?: readonly string[] }
interface IdentifierParts { readonly system?: string; readonly value?: string }

export function searchPatients(store: DemoStore, params: URLSearchParams): PatientSearchResult {
  const name = params.get('name')?.trim().toLowerCase();
  const identifier = params.get('identifier')?.trim();
  if (!name && !identifier) return { kind: 'invalid', reason: 'Patient search needs a name or identifier parameter' };
  const patients = store.listPatients().filter((entry) =>
    (!name || nameMatches(entry, name)) && (!identifier || identifierMatches(entry, identifier)));
  return { kind: 'found', patients };
}

function nameMatches(entry: PatientEntry, prefix: string): boolean {
  const names = (entry.resource.name ?? []) as NameParts[];
  return names.some((n) => [n.family ?? '', ...(n.given ?? [])].some((part) => part.toLowerCase().startsWith(prefix)));
}

function identifierMatches(entry: PatientEntry, token: string): boolean {
  const bar = token.indexOf('|');
  const system = bar === -1 ? undefined : token.slice(0, bar);
  const value = bar === -1 ? token : token.slice(bar + 1);
  const identifiers = (entry.resource.identifier ?? []) as IdentifierParts[];
  return identifiers.some((i) => i.value === value && (system === undefined || system === '' || i.system === system));
}
