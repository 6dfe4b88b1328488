export * from './errors.js';
export * from './cron.js';
export * from './entries.js';
export * from './timer.js';
export * from './schedule.js';
export * from './job.js';
export * from './run-jobs.js';
