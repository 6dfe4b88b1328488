// Times as the user's schedules mean them: in the configured `timezone`, with its offset, so a cron of
// `0 3 * * *` reads as 03:00 and not as whatever UTC hour that is.

function parts(date: Date, timeZone: string): Record<string, string> {
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  return Object.fromEntries(fmt.formatToParts(date).map((p) => [p.type, p.value]));
}

/** ISO 8601 in `timeZone`: `2026-12-07T03:00:00+01:00`, or `…Z` where the offset is zero. */
export function isoInZone(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  const offsetMin = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const wall = `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
  if (offsetMin === 0) return `${wall}Z`;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** An ISO string from an API answer shown in the zone; anything unparsable is shown as it came. */
export function showTime(iso: string | undefined, timeZone: string): string {
  if (!iso) return '-';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : isoInZone(d, timeZone);
}
