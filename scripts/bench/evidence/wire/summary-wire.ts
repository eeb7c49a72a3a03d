// Generated text on the wire: an AI-written discharge summary. The corpus keeps the summary as the
// facts it states (medications with dose and frequency, findings denied or reported, allergies, a
// follow-up date); each call words them afresh — another sentence for each fact, frequencies as
// `BID` or `twice daily`, the date as ISO or US, sentences in another order — as two runs of a
// model would. Rewording is noise Ficus must not report; a changed fact is what it must find.
import { pick } from '../../../../src/demo/shared/prng.ts';
import type { WireFormat } from '../route-spec.ts';

export interface SummaryMedication {
  readonly name: string;
  /** Undefined when the summary does not state it (an injected dropped dose). */
  readonly dose?: number;
  readonly unit: string;
  readonly frequency: string;
}

export interface SummaryFacts {
  readonly medications: SummaryMedication[];
  readonly denied: string[];
  readonly reported: string[];
  readonly allergies: string[];
  /** ISO date. */
  readonly followUp: string;
}

export const SUMMARY_WIRE: WireFormat = {
  name: 'text facts',
  write: (doc, call) => ({ body: JSON.stringify({ ...doc, summary: writeSummary(doc.summary as unknown as SummaryFacts, call.random) }), contentType: 'application/json' }),
};

const FREQUENCY_WORDS: Readonly<Record<string, readonly string[]>> = {
  bid: ['BID', 'twice daily', 'twice a day'],
  tid: ['TID', 'three times daily', 'three times a day'],
  daily: ['once daily', 'daily', 'once a day'],
  qhs: ['at bedtime', 'nightly', 'QHS'],
  q8h: ['q8h', 'every 8 hours'],
  prn: ['as needed', 'PRN'],
};

const capital = (text: string) => text[0]!.toUpperCase() + text.slice(1);

export function writeSummary(facts: SummaryFacts, random: () => number): string {
  const sentences: string[] = [];
  for (const m of facts.medications) {
    const frequency = pick(random, FREQUENCY_WORDS[m.frequency]!);
    const dose = m.dose === undefined ? '' : `${m.dose} ${m.unit}`;
    sentences.push(pick(random, [
      `${capital(m.name)} ${dose} ${frequency}.`,
      `Continue ${m.name} ${dose} ${frequency}.`,
      `Patient takes ${m.name} ${dose ? `at a dose of ${dose}` : ''} ${frequency}.`,
    ]).replace(/\s+/g, ' ').replace(' .', '.'));
  }
  for (const finding of facts.denied) sentences.push(pick(random, [`No ${finding}.`, `Denies ${finding}.`, `Negative for ${finding}.`]));
  for (const finding of facts.reported) sentences.push(pick(random, [`Reports ${finding}.`, `Complains of ${finding}.`]));
  if (facts.allergies.length > 0) {
    const list = facts.allergies.join(pick(random, [', ', ' and ']));
    sentences.push(pick(random, [`Allergies: ${list}.`, `Allergic to ${list}.`]));
  }
  const [year, month, day] = facts.followUp.split('-');
  sentences.push(pick(random, [`Follow up on ${facts.followUp}.`, `Follow-up visit ${month}/${day}/${year}.`]));
  // Sentences in another order: a summary's facts are a set, not a sequence.
  for (let i = sentences.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sentences[i], sentences[j]] = [sentences[j]!, sentences[i]!];
  }
  return sentences.join(' ');
}
