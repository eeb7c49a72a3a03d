// The FHIR R4 envelopes both demo upstreams answer with: OperationOutcome for errors, Bundle for
// searches. Shared because both sides speak the same standard; their differences live elsewhere.

export type FhirResource = { readonly resourceType: string; readonly id?: string } & Record<string, unknown>;

export type IssueCode = 'not-found' | 'invalid' | 'conflict' | 'required' | 'exception' | 'processing' | 'not-supported';

export function operationOutcome(code: IssueCode, diagnostics: string, severity: 'error' | 'fatal' | 'information' = 'error'): FhirResource {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}

export interface BundleEntry {
  readonly resource: FhirResource;
  readonly mode: 'match' | 'include';
}

export interface SearchBundle {
  readonly total: number;
  readonly selfUrl: string;
  readonly nextUrl?: string;
  readonly entries: readonly BundleEntry[];
}

export function searchsetBundle({ total, selfUrl, nextUrl, entries }: SearchBundle): FhirResource {
  const link = [{ relation: 'self', url: selfUrl }];
  if (nextUrl) link.push({ relation: 'next', url: nextUrl });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link,
    entry: entries.map(({ resource, mode }) => ({
      fullUrl: `${resource.resourceType}/${resource.id ?? ''}`,
      resource,
      search: { mode },
    })),
  };
}

/** Accepts both `pat-0001` and `Patient/pat-0001`, as FHIR reference search parameters allow. */
export function patientIdFromReference(reference: string | null): string | undefined {
  if (!reference) return undefined;
  return reference.startsWith('Patient/') ? reference.slice('Patient/'.length) : reference;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
