export { runDrill } from './drill.js';
export type { DrillReport } from '@baqup/core';
export { sweepDrillContainers, DRILL_LABEL } from './container.js';
export { drillOwner } from './owner.js';
