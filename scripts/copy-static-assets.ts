// Part of `npm run build`: tsc emits only JavaScript for TypeScript sources, so files the code
// reads at run time (the dashboard's script and stylesheet) are copied from src/ into dist/ as-is.
import { cpSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ASSET = /\.(js|css|html|svg|png|ico)$/;

function copyAssets(dir: string): number {
  let copied = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copied += copyAssets(path);
    else if (ASSET.test(entry.name)) {
      cpSync(path, join(root, 'dist', relative(join(root, 'src'), path)));
      copied++;
    }
  }
  return copied;
}

console.log(`copied ${copyAssets(join(root, 'src'))} static assets into dist/`);
