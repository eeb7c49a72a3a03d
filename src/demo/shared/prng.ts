// Deterministic pseudo-randomness for the synthetic dataset: the same seed and key always give the
// same patient, so demo runs, screenshots and tests agree byte for byte across machines.
import { mulberry32 } from '../../shared/mulberry32.ts';

/** FNV-1a, 32 bit: a stable, dependency-free string hash (not for security). */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32 seeded by the string's hash: good enough to invent vital signs; floats in [0, 1). */
export function seededRandom(seed: string): () => number {
  return mulberry32(hashString(seed));
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function between(random: () => number, low: number, high: number): number {
  return low + random() * (high - low);
}
