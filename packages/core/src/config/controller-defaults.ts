// The part of the controller config that parseLabels needs, in the model's terms.
import type { Compression, RetentionPolicy, ScheduleConfig } from '../model.js';
import type { ControllerDefaults } from '../labels/controller-defaults.js';
import { parseRetention } from '../labels/values.js';
import { resolveConfig } from './resolve.js';
import type { ControllerConfig, ScheduleDefinition } from './types.js';

export function controllerDefaults(config: ControllerConfig): ControllerDefaults {
  const schedules: Record<string, ScheduleConfig> = {};
  for (const [name, def] of Object.entries(config.defaults.schedules)) schedules[name] = { name, cron: def.cron, retention: retentionOf(def) };
  const t = config.defaults.target;
  // restic compresses and deduplicates on its own; a zstd stream fed to it dedupes poorly (measured in
  // e2e/test/offsite-restic.test.ts), so its default is none. A compress key or label still wins.
  const configured = t.compress ?? (config.upload.backend === 'restic' ? 'none' : true);
  const compress: Compression = configured === true ? t.compression : configured === false ? 'none' : configured;
  return {
    schedules,
    target: {
      schedule: t.schedule,
      compress,
      compression: t.compression,
      compressionLevel: { gzip: t.compression_level.gzip, zstd: t.compression_level.zstd },
      timeoutSeconds: t.timeout,
    },
  };
}

/** The policies of manual backups and restore safety copies (config `retention.manual`, `retention.safety`). */
export function triggerRetentionOf(config: Pick<ControllerConfig, 'retention'>): { manual: RetentionPolicy; safety: RetentionPolicy } {
  return { manual: retentionOf({ cron: '', retention: config.retention.manual }), safety: retentionOf({ cron: '', retention: config.retention.safety }) };
}

/** The defaults of a controller run without any config file (for tests, the CLI's `plan`). */
export function builtinDefaults(): ControllerDefaults {
  return controllerDefaults(resolveConfig({}, {}));
}

function retentionOf(def: ScheduleDefinition): RetentionPolicy {
  const retention: RetentionPolicy = {};
  if (def.retention !== undefined) {
    const parsed = parseRetention(String(def.retention));
    if (parsed.ok) Object.assign(retention, parsed.value);
  }
  if (def.keep_daily !== undefined) retention.keepDaily = def.keep_daily;
  if (def.keep_weekly !== undefined) retention.keepWeekly = def.keep_weekly;
  if (def.keep_monthly !== undefined) retention.keepMonthly = def.keep_monthly;
  return retention;
}
