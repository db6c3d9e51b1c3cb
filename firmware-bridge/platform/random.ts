/**
 * Small seeded PRNG (mulberry32, Tommy Ettinger) for reproducible garbage, jitter and fuzz
 * streams in tests, simulators and benchmarks. NOT for anything secret (tokens, keys, codes):
 * use `node:crypto` there.
 *
 * The exact sequence is part of the contract: regression corpora and fixed-seed tests replay
 * streams built from it, so never change the algorithm. `seed` is taken as an unsigned 32-bit
 * integer (`seed >>> 0`); the generator returns uniform numbers in [0, 1).
 */
export function createSeededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
