export * from './model.js';
export * from './secret.js';
export * from './errors.js';
export * from './events.js';
export * from './pipeline.js';
export * from './cron.js';
export * from './labels/index.js';
export * from './config/index.js';
