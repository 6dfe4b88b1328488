// Calendar buckets for keep-daily/weekly/monthly, computed in a configured IANA time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // Throws RangeError on an unknown zone: a misconfigured zone must fail loudly, not bucket in UTC.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** The calendar date that `time` falls on in `timeZone`. */
export function calendarDate(time: Date, timeZone: string): CalendarDate {
  const parts = formatter(timeZone).formatToParts(time);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function dayKey(time: Date, timeZone: string): string {
  const d = calendarDate(time, timeZone);
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

export function monthKey(time: Date, timeZone: string): string {
  const d = calendarDate(time, timeZone);
  return `${pad(d.year, 4)}-${pad(d.month)}`;
}

/** ISO 8601 week (`2024-W03`): weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeekKey(time: Date, timeZone: string): string {
  const d = calendarDate(time, timeZone);
  // Arithmetic on the local calendar date, carried in a UTC Date so no zone shifts it again.
  const date = new Date(Date.UTC(d.year, d.month - 1, d.day));
  const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const weekYear = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${pad(weekYear, 4)}-W${pad(week)}`;
}
