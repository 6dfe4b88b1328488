export * from './types.js';
export * from './schema.js';
export * from './env-substitute.js';
export * from './environment.js';
export * from './builtin-schedules.js';
export * from './resolve.js';
export * from './load.js';
export * from './controller-defaults.js';
