// The seed's compact UTC timestamp, `20240115T030000Z`: sortable as text, no colons (safe on every remote).

/** `2024-01-15T03:00:00.123Z` → `20240115T030000Z` (sub-second part dropped). */
export function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The inverse of compactTimestamp; undefined when `text` is not one. */
export function parseCompactTimestamp(text: string): Date | undefined {
  const m = COMPACT.exec(text);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
