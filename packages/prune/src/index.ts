export * from './calendar.js';
export * from './retention.js';
export * from './group-by.js';
