export { parseLabels, type ContainerRef } from './parse-labels.js';
export { DEFAULT_RETENTION, type Compressor, type ControllerDefaults } from './controller-defaults.js';
export { containerEnv, type ContainerEnvInput } from './container-env.js';
export { editDistance, didYouMean } from './did-you-mean.js';
export {
  isTargetType,
  isSecretProperty,
  LABEL_PREFIX,
  CONTAINER_KEYS,
  COMPOSE_PROJECT_LABEL,
  COMPOSE_SERVICE_LABEL,
  COMPOSE_DEPENDS_ON_LABEL,
  NOTIFY_KEYS,
  SCHEDULE_SEGMENT,
  SCHEDULE_PROPERTIES,
  CREDENTIAL_PROPERTIES,
  TARGET_PROPERTIES,
  SECOND_SEGMENTS,
  ALL_TARGET_PROPERTIES,
  NAME_PATTERN,
  type ScheduleProperty,
} from './keys.js';
export {
  parseBoolean,
  parseStop,
  parseGroupName,
  parseDependsOn,
  parseCompress,
  parsePort,
  parseDuration,
  parsePositiveInt,
  parseRetention,
  parseDatabases,
  parseAbsolutePath,
  parseGlobList,
  parseNonEmpty,
  parseAlertUrls,
  parsePingUrls,
  type Parsed,
} from './values.js';
export {
  swarmTask,
  backupName,
  SWARM_SERVICE_NAME_LABEL,
  SWARM_SERVICE_ID_LABEL,
  SWARM_TASK_NAME_LABEL,
  SWARM_TASK_ID_LABEL,
  SWARM_NODE_ID_LABEL,
  STACK_NAMESPACE_LABEL,
} from './swarm.js';
