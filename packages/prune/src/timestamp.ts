import { parseCompactTimestamp as parseExact } from '@baqup/core';

/** The compact timestamp a staged name starts with (`20240115T030000Z.sql.gz`); null when it does not start with one. */
export function parseCompactTimestamp(text: string): Date | null {
  return parseExact(text.slice(0, 16)) ?? null;
}
