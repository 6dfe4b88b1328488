export { runDrill } from './drill.js';
export type { DrillReport } from '@baqup/core';
export { waitReady } from './ready.js';
export { sweepDrillContainers, ensureDir, DRILL_LABEL } from './container.js';
export { drillOwner } from './owner.js';
