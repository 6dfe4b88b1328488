export { discover } from './reconciler.js';
export { deriveFromLabels, discoverOnce } from './derive.js';
export { dockerDiscoverySource } from './docker-source.js';
export { findSqliteFiles } from './sqlite-files.js';
export { suggestForContainer } from './suggest-container.js';
