// Desired state flattened to one schedule entry per target: the unit the scheduler arms a timer for.
import { targetKey, type ContainerBackupConfig, type DesiredState, type ScheduleConfig, type TargetConfig } from '@baqup/core';
import { normalizeCron, nextRunTimes } from './cron.js';

export interface ScheduleEntry {
  /** `targetKey(containerName, target)`: one target has exactly one schedule, so this keys the timer too. */
  key: string;
  container: ContainerBackupConfig;
  target: TargetConfig;
  /** Undefined when the target names a schedule the container does not define. */
  schedule?: ScheduleConfig;
  /** Effective expression normalised to 6 fields; undefined when `error` is set. */
  cron?: string;
  error?: string;
}

/** One entry per target of every enabled container; invalid schedules become entries with `error`, never throws. */
export function scheduleEntries(desired: DesiredState, tz: string): ScheduleEntry[] {
  const entries: ScheduleEntry[] = [];
  const seen = new Set<string>();
  for (const container of desired.values()) {
    if (!container.enabled) continue;
    for (const target of container.targets) {
      const key = targetKey(container.containerName, target);
      if (seen.has(key)) continue; // two containers with one name (a recreate in flight): first wins
      seen.add(key);
      const schedule = container.schedules[target.schedule];
      if (!schedule) {
        entries.push({ key, container, target, error: `unknown schedule "${target.schedule}"` });
        continue;
      }
      try {
        entries.push({ key, container, target, schedule, cron: normalizeCron(schedule.cron, tz, key) });
      } catch (err) {
        entries.push({ key, container, target, schedule, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return entries;
}

export interface PlannedRun {
  key: string;
  containerName: string;
  target: TargetConfig;
  /** Schedule name as the target names it. */
  schedule: string;
  cron?: string;
  /** The next runs strictly after `now` (empty when `error` is set). */
  next: Date[];
  error?: string;
}

/** Next run times of every target, for state (`nextRun`) and `baqup plan`; sorted by the first run, invalid ones last. */
export function nextRuns(desired: DesiredState, now: Date, tz: string, count = 1): PlannedRun[] {
  const plans = scheduleEntries(desired, tz).map((e): PlannedRun => {
    const base = { key: e.key, containerName: e.container.containerName, target: e.target, schedule: e.target.schedule };
    if (e.error !== undefined || e.cron === undefined) return { ...base, next: [], error: e.error };
    try {
      return { ...base, cron: e.schedule?.cron, next: nextRunTimes(e.cron, { tz, after: now, seed: e.key }, count) };
    } catch (err) {
      return { ...base, cron: e.schedule?.cron, next: [], error: err instanceof Error ? err.message : String(err) };
    }
  });
  const at = (p: PlannedRun) => p.next[0]?.getTime() ?? Number.POSITIVE_INFINITY;
  return plans.sort((a, b) => at(a) - at(b) || a.key.localeCompare(b.key));
}
