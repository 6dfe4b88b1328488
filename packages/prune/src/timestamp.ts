/** Parses the staging layout's compact UTC timestamp (`20240115T030000Z`); null when it is not one. */
export function parseCompactTimestamp(text: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(text);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) || date.getUTCMonth() !== mo - 1 ? null : date;
}
