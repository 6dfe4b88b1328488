export * from './parse-labels.js';
export * from './controller-defaults.js';
export * from './container-env.js';
export * from './did-you-mean.js';
export * from './keys.js';
export * from './values.js';
export * from './swarm.js';
