// The built-in schedules fire at fixed local times (daily 03:00, weekly Sunday 04:00) in every controller a test
// starts, and a scheduled job in the middle of a test breaks its exact counts (a suite started at 02:55 UTC would
// see one). Controllers under test run in a fixed-offset zone where it is now about 15:00, twelve hours from those.

/** An `Etc/GMT±N` zone (POSIX sign: `Etc/GMT-5` is UTC+5) whose local hour at `now` is 15, give or take an hour. */
export function quietZone(now: Date = new Date()): string {
  let offset = (15 - now.getUTCHours() + 24) % 24; // hours to add to UTC, 0..23
  if (offset > 12) offset -= 24; // -11..12: the range Etc/GMT covers
  if (offset === 0) return 'Etc/UTC';
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}
