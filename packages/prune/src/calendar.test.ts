import { describe, expect, it } from 'vitest';
import { dayKey, isoWeekKey, monthKey } from './calendar.js';

describe('calendar buckets', () => {
  it.each([
    ['2021-01-03T12:00:00Z', '2020-W53'], // Sunday after a 53-week year
    ['2021-01-04T00:00:00Z', '2021-W01'],
    ['2024-12-30T00:00:00Z', '2025-W01'], // Monday of the week holding 2025's first Thursday
    ['2026-01-01T00:00:00Z', '2026-W01'], // a Thursday
    ['2027-01-01T00:00:00Z', '2026-W53'], // a Friday
    ['2024-01-15T03:00:00Z', '2024-W03'],
  ])('ISO week of %s is %s', (iso, week) => {
    expect(isoWeekKey(new Date(iso), 'UTC')).toBe(week);
  });

  it('buckets by the calendar of the configured zone, not UTC', () => {
    const t = new Date('2024-01-31T23:30:00Z');
    expect(dayKey(t, 'UTC')).toBe('2024-01-31');
    expect(dayKey(t, 'Europe/Berlin')).toBe('2024-02-01');
    expect(monthKey(t, 'Europe/Berlin')).toBe('2024-02');
    expect(dayKey(t, 'America/New_York')).toBe('2024-01-31');
    // Sunday 23:30 UTC is already Monday in Berlin: a new ISO week there.
    expect(isoWeekKey(new Date('2024-01-14T23:30:00Z'), 'UTC')).toBe('2024-W02');
    expect(isoWeekKey(new Date('2024-01-14T23:30:00Z'), 'Europe/Berlin')).toBe('2024-W03');
  });

  it('rejects an unknown zone instead of silently using UTC', () => {
    expect(() => dayKey(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });
});
