/**
 * Seeded randomness for episodes and augmentation. Every episode draws from its own stream,
 * seeded from (seed, episode index, purpose), so results do not depend on which worker or in
 * which order episodes are made.
 */

/** mulberry32: a small, fast PRNG with a 32-bit state; uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One 32-bit seed from several integers (murmur3's finaliser over a running hash). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Python's random.randint(a, b): an integer in [a, b], both ends included. */
export function randint(r: () => number, a: number, b: number): number {
  return a + Math.floor(r() * (b - a + 1));
}

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, r: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
