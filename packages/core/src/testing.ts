// Test doubles shared by the packages' unit tests (`@baqup/core/testing`).
import type { LogFields, Logger } from './events.js';

export type MemoryLine = LogFields & { level: string; msg: string };

/** A Logger that keeps every line in `lines`, fields first, then `level` and `msg`. */
export function memoryLogger(): Logger & { lines: MemoryLine[] } {
  const lines: MemoryLine[] = [];
  const at = (level: string) => (msg: string, fields: LogFields = {}) => void lines.push({ ...fields, level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** mulberry32: a small seeded PRNG, so a failing fuzz or property test reproduces from its printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
