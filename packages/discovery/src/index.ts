export * from './source.js';
export * from './reconciler.js';
export * from './fingerprint.js';
export * from './derive.js';
export * from './docker-source.js';
export * from './sqlite-files.js';
export * from './suggest-container.js';
