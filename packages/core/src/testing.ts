// Test doubles shared by the packages' unit tests (`@baqup/core/testing`).
import type { LogFields, Logger } from './events.js';

export type MemoryLine = LogFields & { level: string; msg: string };

/** A Logger that keeps every line in `lines`, fields first, then `level` and `msg`. */
export function memoryLogger(): Logger & { lines: MemoryLine[] } {
  const lines: MemoryLine[] = [];
  const at = (level: string) => (msg: string, fields: LogFields = {}) => void lines.push({ ...fields, level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
