// The label schema of the primary spec: which keys exist and which properties each target type accepts.
import type { TargetType } from '../model.js';
import { TARGET_TYPES } from '../model.js';

export const LABEL_PREFIX = 'backup.';
/** `backup.<key>` keys that configure the container itself. */
export const CONTAINER_KEYS = ['enabled', 'stop', 'group', 'notify_on_failure', 'notify_on_success', 'notify_global'] as const;
/** Labels docker compose sets on every container it creates, read for backup groups. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
/** `db:service_started:false,cache:service_healthy:true`: the service's depends_on (links and network_mode included). */
export const COMPOSE_DEPENDS_ON_LABEL = 'com.docker.compose.depends_on';
/** Container keys whose value is a list of alert URLs (tokens inside: never echoed). */
export const NOTIFY_KEYS = ['notify_on_failure', 'notify_on_success'] as const;
/** The second segment that introduces a named schedule: `backup.schedule.<name>.<property>`. */
export const SCHEDULE_SEGMENT = 'schedule';
export const SCHEDULE_PROPERTIES = ['cron', 'retention', 'keep_daily', 'keep_weekly', 'keep_monthly'] as const;
export type ScheduleProperty = (typeof SCHEDULE_PROPERTIES)[number];

export const CREDENTIAL_PROPERTIES = ['password', 'password_env', 'password_file'] as const;
const COMMON = ['schedule', 'compress', 'timeout', 'pre_exec', 'post_exec', 'ping', 'drill'] as const;
const SQL = ['port', 'username', ...CREDENTIAL_PROPERTIES, 'databases'] as const;

/** Properties valid per target type; anything else is an error with a did-you-mean. */
export const TARGET_PROPERTIES: Readonly<Record<TargetType, readonly string[]>> = {
  postgres: [...COMMON, ...SQL],
  mariadb: [...COMMON, ...SQL],
  mysql: [...COMMON, ...SQL],
  mongo: [...COMMON, ...SQL],
  // redis: `path` is the data directory holding dump.rdb; ACL users exist since Redis 6.
  redis: [...COMMON, 'port', 'username', ...CREDENTIAL_PROPERTIES, 'path'],
  sqlite: [...COMMON, 'path'],
  fs: [...COMMON, 'path', 'exclude'],
};

/** Every second segment a `backup.` key may have, for did-you-mean on the first segment after the prefix. */
export const SECOND_SEGMENTS: readonly string[] = [...CONTAINER_KEYS, SCHEDULE_SEGMENT, ...TARGET_TYPES];

/** Every property name of any target type. */
export const ALL_TARGET_PROPERTIES: readonly string[] = [...new Set(Object.values(TARGET_PROPERTIES).flat())].sort();

export function isTargetType(value: string): value is TargetType {
  return (TARGET_TYPES as readonly string[]).includes(value);
}

/** Instance and schedule names end up in staging paths (`{type}-{instance}`), so they stay path-safe. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * Whether a label's value may be a secret and must not be echoed: the `password` key and anything that looks
 * like a misspelled credential key (`passwrd=hunter2` is still a password).
 */
export function isSecretProperty(property: string): boolean {
  const p = property.toLowerCase();
  if (p === 'password_env' || p === 'password_file') return false;
  // Ping URLs carry the check's UUID or push token: whoever has it can ping.
  if (p === 'ping') return true;
  return /pass|pwd|secret|token|cred|key/.test(p);
}

