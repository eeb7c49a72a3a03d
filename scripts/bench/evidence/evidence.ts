// `npm run bench:evidence [-- --check] [--seed S] [--clean N] [--learning N] [--routes a,b] [--verbose]`
// Generates the clinical corpus, runs it through a real Ficus (learning, accepting noise
// suggestions, evaluation) and prints recall, false alarms, phantoms and noise learned against the
// targets of issue 9. A measurement: exit 0 whatever the figures, unless --check asks for the
// targets to be met (then 1 when one is missed).
import { parseArgs } from 'node:util';
import { generateCorpus } from './generate-corpus.ts';
import { renderEvidence } from './print-evidence.ts';
import { ALL_ROUTES } from './routes/all-routes.ts';
import { runEvidenceBench } from './run-evidence-bench.ts';
import { scoreEvidence } from './score-evidence.ts';

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    seed: { type: 'string', default: 'ficus-evidence-1' },
    learning: { type: 'string', default: '30' },
    clean: { type: 'string', default: '100' },
    routes: { type: 'string' },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const wanted = values.routes?.split(',');
const routes = wanted ? ALL_ROUTES.filter((r) => wanted.includes(r.id)) : ALL_ROUTES;
const corpus = generateCorpus({ seed: values.seed, routes, learning: Number(values.learning), clean: Number(values.clean) });
const observed = await runEvidenceBench({ corpus, progress: (line) => process.stderr.write(`bench:evidence: ${line}\n`) });
const score = scoreEvidence(corpus, observed);
process.stdout.write(renderEvidence(corpus, observed, score, values.verbose ? Infinity : 8));
if (values.json) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(values.json, `${JSON.stringify({ seed: corpus.seed, targets: score.targets, injected: score.injected, cleanCompared: score.cleanCompared, seconds: observed.seconds }, null, 2)}\n`);
}
process.exitCode = values.check && score.targets.some((t) => !t.met) ? 1 : 0;
