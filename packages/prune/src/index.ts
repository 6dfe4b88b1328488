export * from './calendar.js';
export * from './retention.js';
export * from './group-by.js';
export * from './timestamp.js';
export * from './prune-target.js';
export * from './groups.js';
export * from './prune-operator.js';
