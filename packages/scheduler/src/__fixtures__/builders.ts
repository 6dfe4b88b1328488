// Small builders for scheduler tests (excluded from the build by tsconfig.build.json).
import type { BackupJob, ContainerBackupConfig, DesiredState, LogFields, Logger, TargetConfig } from '@baqup/core';

export function target(type: TargetConfig['type'], instance: string, schedule = 'main', extra: Partial<TargetConfig> = {}): TargetConfig {
  return { type, instance, schedule, compress: 'gzip', timeoutSeconds: 3600, properties: {}, ...extra };
}

export function container(name: string, crons: Record<string, string>, targets: TargetConfig[], extra: Partial<ContainerBackupConfig> = {}): ContainerBackupConfig {
  const schedules = Object.fromEntries(Object.entries(crons).map(([n, cron]) => [n, { name: n, cron, retention: { keepLast: 7 } }]));
  return { containerId: `id-${name}`, containerName: name, image: 'img', enabled: true, stop: false, schedules, targets, errors: [], ...extra };
}

export function desired(...containers: ContainerBackupConfig[]): DesiredState {
  return new Map(containers.map((c) => [c.containerId, c]));
}

export function job(name: string, id: string, trigger: BackupJob['trigger'] = 'schedule', instance = 'main'): BackupJob {
  const c = container(name, { main: '0 3 * * *' }, [target('postgres', instance)]);
  return { id, container: c, target: c.targets[0]!, schedule: c.schedules.main!, triggeredAt: new Date(0), trigger };
}

export interface Line { level: string; msg: string; fields?: LogFields }
export function recordingLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (msg: string, fields?: LogFields) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
