// Deterministic pseudo-randomness for the synthetic dataset: the same seed and key always give the
// same patient, so demo runs, screenshots and tests agree byte for byte across machines.

/** FNV-1a, 32 bit: a stable, dependency-free string hash (not for security). */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: tiny, fast, good enough to invent vital signs; returns floats in [0, 1). */
export function seededRandom(seed: string): () => number {
  let state = hashString(seed);
  return function nextRandom(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

export function between(random: () => number, low: number, high: number): number {
  return low + random() * (high - low);
}
