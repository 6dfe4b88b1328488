export { type ScheduleDefinition, type LogLevel, type ControllerConfig, type LoadedConfig } from './types.js';
export { PATTERN_HINTS, CONFIG_SCHEMA } from './schema.js';
export { substituteEnv, escapePointer, type ConfigEnv, type Substituted } from './env-substitute.js';
export { applyEnvConfig, ENV_CONFIG_KEYS, ENV_VARIABLES, type EnvConfigKey, type EnvVariable } from './environment.js';
export { mergeBuiltinSchedules, BUILTIN_SCHEDULES } from './builtin-schedules.js';
export { resolveConfig } from './resolve.js';
export { loadConfig, yamlProblem, type LoadConfigOptions } from './load.js';
export { controllerDefaults, triggerRetentionOf, builtinDefaults } from './controller-defaults.js';
