export { createLogger, type RootLogger } from './create-logger.js';
export { Redactor, createRedactor } from '@baqup/core';
