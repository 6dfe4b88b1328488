// The staging layout's compact UTC timestamp, `20240115T030000Z`: sortable as text, no colons (safe on every remote).

/** `2024-01-15T03:00:00.123Z` → `20240115T030000Z` (sub-second part dropped). */
export function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The inverse of compactTimestamp; undefined when `text` is not exactly one (or names no real date). */
export function parseCompactTimestamp(text: string): Date | undefined {
  const m = COMPACT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d ? undefined : date;
}
