// The repository's root folder, for tests that read its files (routes/, flags/, docs) or spawn src/main.ts.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
