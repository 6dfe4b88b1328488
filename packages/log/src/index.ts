export { createLogger, type LoggerOptions, type LogFormat, type RootLogger } from './create-logger.js';
export { LOG_LEVELS, resolveLevel, type LogLevel } from './levels.js';
export { Redactor, createRedactor, REDACTED } from '@baqup/core';
export { serializeError, STABLE_FIELDS } from './serialize.js';
