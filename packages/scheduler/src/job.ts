// BackupJobs from ticks and from manual triggers.
import { randomBytes } from 'node:crypto';
import { compactTimestamp, type BackupJob, type ContainerBackupConfig, type ScheduleConfig, type TargetConfig } from '@baqup/core';
import { map, type OperatorFunction } from 'rxjs';
import type { ScheduleTick } from './schedule.js';

export { compactTimestamp };

/** Unique and sortable: the trigger instant plus 8 random hex digits, e.g. `20240115T030000Z-9f3a1c02`. */
export function newJobId(at: Date): string {
  return `${compactTimestamp(at)}-${randomBytes(4).toString('hex')}`;
}

export function jobFromTick(tick: ScheduleTick): BackupJob {
  return {
    id: newJobId(tick.at),
    container: tick.container,
    target: tick.target,
    schedule: tick.schedule,
    triggeredAt: tick.at,
    trigger: 'schedule',
  };
}

/** Operator form of jobFromTick. */
export function toJobs(): OperatorFunction<ScheduleTick, BackupJob> {
  return map(jobFromTick);
}

/**
 * A manual job ("backup now"). It carries the target's schedule (for its name in logs and the manifest), but its
 * backup is in the target's manual retention group (config `retention.manual`): it never takes a scheduled slot.
 */
export function manualJob(container: ContainerBackupConfig, target: TargetConfig, now: Date = new Date()): BackupJob {
  return { ...triggeredJob(container, target, now), trigger: 'manual' };
}

function triggeredJob(container: ContainerBackupConfig, target: TargetConfig, now: Date): Omit<BackupJob, 'trigger'> {
  const schedule: ScheduleConfig = container.schedules[target.schedule] ?? { name: target.schedule, cron: '', retention: {} };
  return { id: newJobId(now), container, target, schedule, triggeredAt: now };
}
