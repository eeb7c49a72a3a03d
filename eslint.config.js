import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', '.tools/**', 'load/results/**', 'tests/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Request-handling code never reads the environment: only main.ts and scripts do.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read the environment in src/main.ts (or src/config/env.ts) and pass values down.' }],
    },
  },
  {
    files: ['src/main.ts', 'src/config/env.ts', 'src/cli/**', 'tests/**', 'load/**', 'scripts/**', 'bin/**', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
