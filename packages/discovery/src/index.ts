export * from './source.js';
export * from './reconciler.js';
export * from './fingerprint.js';
