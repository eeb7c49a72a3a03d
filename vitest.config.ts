import { defineConfig } from 'vitest/config';
import { LongPolesFirst } from './tests/setup/long-poles-first.ts';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['tests/setup/global.ts'],
    sequence: { sequencer: LongPolesFirst },
  },
});
