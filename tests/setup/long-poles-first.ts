// Test files that take minutes on their own start first. Vitest orders files by earlier runs'
// durations when it has a cache, and CI starts from a clean clone with none: the demo walkthrough
// (~5 min, it waits for the autopilot to reach approval on real demo traffic) then started midway
// and ended the suite ~5 min after every other file had finished (583 s in all). Started first, it
// runs beside the rest of the suite.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONG_POLES = ['tests/demo/demo-autopilot-walkthrough.test.ts', 'tests/load/smoke.test.ts', 'tests/cluster/workers-in-trouble.test.ts', 'tests/cli/cli-process.test.ts'];

const rank = (spec: TestSpecification): number => {
  const index = LONG_POLES.findIndex((path) => spec.moduleId.endsWith(path));
  return index === -1 ? LONG_POLES.length : index;
};

export class LongPolesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: everything else keeps the order vitest chose.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
