// Named schedules of one container: the controller's, overridden by name by `backup.schedule.<name>.*` labels.
import { cronProblem } from '../cron.js';
import type { LabelError, RetentionPolicy, ScheduleConfig } from '../model.js';
import type { ScheduleProperty } from './keys.js';
import { parsePositiveInt, parseRetention } from './values.js';
import { DEFAULT_RETENTION } from './controller-defaults.js';

export interface RawLabel {
  label: string;
  value: string;
}

export interface ParsedSchedules {
  schedules: Record<string, ScheduleConfig>;
  /** Names whose labels are wrong: a target using one is dropped rather than run on a guessed schedule. */
  broken: Set<string>;
  errors: LabelError[];
}

const KEEP: Record<string, keyof RetentionPolicy> = { keep_daily: 'keepDaily', keep_weekly: 'keepWeekly', keep_monthly: 'keepMonthly' };

/**
 * A label schedule inherits what it does not set from the controller's schedule of the same name; when it sets any
 * retention property, its retention replaces the inherited one entirely (what you wrote is what you get).
 */
export function parseSchedules(
  groups: ReadonlyMap<string, ReadonlyMap<ScheduleProperty, RawLabel>>,
  base: Readonly<Record<string, ScheduleConfig>>,
): ParsedSchedules {
  const schedules: Record<string, ScheduleConfig> = {};
  for (const [name, s] of Object.entries(base)) schedules[name] = { ...s, retention: { ...s.retention } };
  const broken = new Set<string>();
  const errors: LabelError[] = [];

  for (const [name, props] of groups) {
    const before = errors.length;
    const inherited = Object.hasOwn(base, name) ? base[name] : undefined;
    let cron = inherited?.cron;
    const cronLabel = props.get('cron');
    if (cronLabel) {
      const problem = cronProblem(cronLabel.value);
      if (problem) errors.push({ ...cronLabel, message: problem, expected: 'a cron expression such as "0 3 * * *"' });
      else cron = cronLabel.value.trim();
    } else if (cron === undefined) {
      errors.push({
        label: `backup.schedule.${name}.cron`,
        value: '',
        message: `schedule "${name}" has no cron expression (it is not one of the controller's schedules: ${Object.keys(base).join(', ') || 'none'})`,
        expected: 'a cron expression such as "0 3 * * *"',
      });
    }

    let retention: RetentionPolicy = {};
    const retentionLabel = props.get('retention');
    if (retentionLabel) {
      const parsed = parseRetention(retentionLabel.value);
      if (parsed.ok) retention = { ...parsed.value };
      else errors.push({ ...retentionLabel, message: parsed.message, expected: parsed.expected });
    }
    for (const [property, field] of Object.entries(KEEP)) {
      const keep = props.get(property as ScheduleProperty);
      if (!keep) continue;
      const parsed = parsePositiveInt(keep.value);
      if (parsed.ok) retention[field] = parsed.value;
      else errors.push({ ...keep, message: parsed.message, expected: parsed.expected });
    }
    const setsRetention = retentionLabel !== undefined || Object.keys(KEEP).some((p) => props.has(p as ScheduleProperty));
    if (!setsRetention) retention = { ...(inherited?.retention ?? DEFAULT_RETENTION) };

    if (errors.length > before || cron === undefined) {
      broken.add(name);
      delete schedules[name];
    } else {
      schedules[name] = { name, cron, retention };
    }
  }
  return { schedules, broken, errors };
}
