// The one cron dialect of baqup: cron-parser v5, for validation, next-run times and ticks alike
// (docs/adr/0002-cron-dialect.md). Nothing else in the code base interprets a cron expression.
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { CronInvalidError, TimezoneInvalidError } from './errors.js';

export interface CronOptions {
  /** IANA time zone the expression's fields are read in. */
  tz: string;
  /** Runs strictly after this instant are computed. */
  after?: Date;
  /** Seed for `H` fields, so one target always gets the same jitter (the target key). */
  seed?: string;
}

const ALIASES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly', '@minutely', '@secondly', '@weekdays', '@weekends']);

/** Throws TimezoneInvalidError unless `tz` is a zone the runtime's Intl knows (luxon, under cron-parser, uses the same). */
// Building an Intl.DateTimeFormat costs ~0.2 ms and every cron parse checks its zone: remember the good ones.
const validZones = new Set<string>();

export function assertTimezone(tz: string): string {
  if (validZones.has(tz)) return tz;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    validZones.add(tz);
    return tz;
  } catch {
    throw new TimezoneInvalidError(tz);
  }
}

/** The zone schedules are read in: config `timezone`, else the `TZ` environment variable, else UTC. */
export function resolveTimezone(configured?: string, env: NodeJS.ProcessEnv = process.env): string {
  const tz = configured?.trim() || env.TZ?.trim() || 'UTC';
  return assertTimezone(tz);
}

/** Parse `expr` (5 fields minute-first, 6 fields second-first, or an `@alias`); throws CronInvalidError. */
export function parseCron(expr: string, opts: CronOptions): CronExpression {
  const text = expr.trim();
  // cron-parser silently fills missing fields (even for ''), so the field count is checked here.
  if (text.startsWith('@')) {
    if (!ALIASES.has(text)) throw new CronInvalidError(expr, `unknown alias, expected one of ${[...ALIASES].join(', ')}`);
  } else {
    const fields = text.split(/\s+/).filter(Boolean).length;
    if (fields !== 5 && fields !== 6) {
      throw new CronInvalidError(expr, `expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got ${fields}`);
    }
  }
  assertTimezone(opts.tz);
  let parsed: CronExpression;
  try {
    parsed = CronExpressionParser.parse(text, {
      tz: opts.tz,
      currentDate: opts.after ?? new Date(),
      hashSeed: opts.seed ?? 'baqup',
    });
  } catch (err) {
    throw new CronInvalidError(expr, err instanceof Error ? err.message : String(err));
  }
  return parsed;
}

/** The next `count` run times strictly after `after`; throws CronInvalidError (also for an expression that never fires). */
export function nextRunTimes(expr: string, opts: CronOptions & { after: Date }, count = 1): Date[] {
  const it = parseCron(expr, opts);
  try {
    return it.take(count).map((d) => d.toDate());
  } catch (err) {
    throw new CronInvalidError(expr, err instanceof Error ? err.message : String(err));
  }
}

/** The next run strictly after `after`. */
export function nextRun(expr: string, opts: CronOptions & { after: Date }): Date {
  const [next] = nextRunTimes(expr, opts, 1);
  if (!next) throw new CronInvalidError(expr, 'no future run');
  return next;
}

/** The expression normalised to 6 fields (`0 3 * * *` and `0 0 3 * * *` compare equal); throws CronInvalidError. */
const normalized = new Map<string, string>();

export function normalizeCron(expr: string, tz: string, seed?: string): string {
  // Pure in its inputs, and called for every target on every desired-state update: memoized (bounded).
  const key = `${expr}\u0000${tz}\u0000${seed ?? ''}`;
  let text = normalized.get(key);
  if (text === undefined) {
    text = parseCron(expr, { tz, seed }).stringify(true);
    if (normalized.size >= 10_000) normalized.clear();
    normalized.set(key, text);
  }
  return text;
}
