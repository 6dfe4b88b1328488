export * from './image-name.js';
export * from './rules.js';
export * from './suggest-labels.js';
