// The spec's default schedules (config/defaults.yml), merged by name under the config's own.
import type { ScheduleDefinition } from './types.js';

export const BUILTIN_SCHEDULES: Readonly<Record<string, ScheduleDefinition>> = {
  daily: { cron: '0 3 * * *', retention: 7 },
  hourly: { cron: '0 * * * *', retention: 24 },
  weekly: { cron: '0 4 * * 0', retention: 4 },
};

const RETENTION_KEYS = ['retention', 'keep_daily', 'keep_weekly', 'keep_monthly'];

/**
 * A config schedule over the built-in of the same name: unset fields are inherited, except that setting any
 * retention field replaces the built-in retention entirely (as labels do).
 */
export function mergeBuiltinSchedules(configured: unknown): unknown {
  if (configured === undefined) return structuredClone(BUILTIN_SCHEDULES);
  if (configured === null || typeof configured !== 'object' || Array.isArray(configured)) return configured;
  const out: Record<string, unknown> = { ...(configured as Record<string, unknown>) };
  for (const [name, builtin] of Object.entries(BUILTIN_SCHEDULES)) {
    const own = out[name];
    if (own === undefined || own === null) out[name] = { ...builtin };
    else if (typeof own === 'object' && !Array.isArray(own)) {
      const setsRetention = RETENTION_KEYS.some((k) => k in own);
      const inherited: Record<string, unknown> = { cron: builtin.cron };
      if (!setsRetention) inherited.retention = builtin.retention;
      out[name] = { ...inherited, ...own };
    }
  }
  return out;
}
