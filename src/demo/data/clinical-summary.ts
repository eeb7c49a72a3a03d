// The clinical facts of a patient's summary, shared by legacy's templated summary and the new
// service's generated one, so Ficus's `facts` comparison has something real to find: the same
// facts in other words match; the new service's faults (below) are what a clinician would catch.
import { synthesizeMedicationRequests, findMedication } from './medications.ts';
import { patientIndexOf } from './seed.ts';

export interface SummaryFacts {
  /** Medication name (lowercase, as a formulary names it) and its dose instruction. */
  readonly medications: readonly { readonly name: string; readonly dose: string }[];
  readonly allergy: 'penicillin' | 'none';
}

/**
 * What the demo new service gets wrong, deterministically by patient: every fifth patient from
 * pat-0002 loses the dose of its first medication, every fifth from pat-0004 has "denies chest
 * pain" turned into "reports chest pain". The rest state the same facts in other words.
 */
export type SummaryFault = 'drops-dose' | 'flips-negation' | 'none';

export function summaryFaultOf(patientId: string): SummaryFault {
  const index = patientIndexOf(patientId) ?? 0;
  return index % 5 === 2 ? 'drops-dose' : index % 5 === 4 ? 'flips-negation' : 'none';
}

export function summaryFactsOf(patientId: string): SummaryFacts {
  const medications = synthesizeMedicationRequests(patientId).map((request) => {
    const reference = (request.medicationReference as { reference?: string } | undefined)?.reference ?? '';
    const display = String((findMedication(reference.replace('Medication/', '')) as { code?: { text?: string } } | undefined)?.code?.text ?? 'medication');
    const dose = ((request.dosageInstruction as { text?: string }[] | undefined)?.[0]?.text) ?? '';
    return { name: display.split(' ')[0]!.toLowerCase(), dose };
  });
  // One statement per medication: the same drug ordered twice is one fact.
  const unique = [...new Map(medications.map((m) => [m.name, m])).values()];
  return { medications: unique, allergy: (patientIndexOf(patientId) ?? 0) % 3 === 0 ? 'none' : 'penicillin' };
}
