export * from './store.js';
export * from './views.js';
