// The benchmark's report: the four figures with met / not met, then what explains them (recall by
// kind and place, the most frequent misses and phantoms, noise not learned, wrong suggestions).
import type { Corpus } from './generate-corpus.ts';
import type { BenchObservations } from './run-evidence-bench.ts';
import type { EvidenceScore } from './score-evidence.ts';

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;

/** `top` rows of each explaining list (all of them with Infinity). */
export function renderEvidence(corpus: Corpus, observed: BenchObservations, score: EvidenceScore, top = 8): string {
  const dirty = corpus.cases.filter((c) => c.phase === 'dirty').length;
  const learning = corpus.cases.filter((c) => c.phase === 'learning').length;
  const lines = [
    `Evidence benchmark (seed ${corpus.seed}): ${corpus.routes.length} routes, ${learning} learning requests, ${score.cleanSent} clean and ${dirty} dirty evaluation requests`,
    `  ${score.injected} injected differences, ${corpus.noise.length} noise fields and arrays, ${score.suggestionCount} noise suggestions accepted`,
    '',
    `  recall (pointer + kind)        ${pct(score.recall)}  ${score.found}/${score.injected}${score.dirtyNotCompared ? ` (${score.dirtyNotCompared} dirty requests never compared)` : ''}`,
    `  false alarms                   ${pct(score.falseAlarmRate, 3)}  ${score.falseAlarms} of ${score.cleanCompared} clean comparisons flagged mismatched${score.uncomparable || score.skipped ? ` (${score.uncomparable} uncomparable, ${score.skipped} skipped: ${Object.entries(observed.clean.counters.skippedBy).map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}`,
    `  phantom differences            ${score.phantomsInDirty + score.phantomsInClean}  (${score.phantomsInDirty} in pairs with injected differences, ${score.phantomsInClean} in clean pairs)`,
    `  noise learned                  ${pct(score.noiseLearned / Math.max(1, score.noiseItems), 1)}  ${score.noiseLearned}/${score.noiseItems}; ${score.wrongSuggestions.length} suggestions named no noise`,
    '',
    '  by format        routes  recall            false alarms      phantoms  noise learned',
    ...score.byFormat.map((f) => `  ${f.format.padEnd(16)} ${String(f.routes).padStart(6)}  ${`${pct(f.found / Math.max(1, f.injected))} ${f.found}/${f.injected}`.padEnd(17)} ${`${f.falseAlarms} of ${f.cleanCompared}`.padEnd(17)} ${String(f.phantoms).padStart(8)}  ${f.noiseLearned}/${f.noiseItems}`),
    '',
    'Targets',
    ...score.targets.map((t) => `  ${t.met ? 'met    ' : 'NOT MET'}  ${t.name.padEnd(40)} ${t.goal}`),
    '',
    `Recall by kind and place: ${[...score.recallBy].sort(([a], [b]) => (a < b ? -1 : 1)).map(([label, [f, n]]) => `${label} ${f}/${n}`).join(', ')}`,
  ];
  const list = (title: string, rows: readonly string[], total: number) => {
    if (total === 0) return;
    lines.push('', `${title} (${total}${total > rows.length ? `, top ${rows.length}` : ''}):`, ...rows.map((r) => `  ${r}`));
  };
  list('Missed', score.misses.slice(0, top).map((m) => `${m.route}  ${m.signature}  ×${m.count}`), score.misses.length);
  list('Phantoms', score.phantomSignatures.slice(0, top).map((m) => `${m.route}  ${m.signature}  ×${m.count}`), score.phantomSignatures.length);
  list('Noise not learned', score.noiseMissed.slice(0, top).map((n) => `${n.route}  ${n.pointer}  ${n.kinds.join('/')}`), score.noiseMissed.length);
  list('Suggestions that named no noise', score.wrongSuggestions.slice(0, top).map((w) => `${w.route}  ${w.rule.pointer}  ${w.rule.type === 'ignore' ? (w.rule.kinds ?? ['all']).join('/') : JSON.stringify(w.rule.policy)}`), score.wrongSuggestions.length);
  const s = observed.seconds;
  lines.push('', `Took ${s.total.toFixed(1)} s (learning ${s.learning.toFixed(1)} s, clean ${s.clean.toFixed(1)} s, dirty ${s.dirty.toFixed(1)} s)`);
  return `${lines.join('\n')}\n`;
}
