export { runDrill, type DrillDeps, type DrillRequest } from './drill.js';
export type { DrillReport } from '@baqup/core';
export { sweepDrillContainers, createDrillContainer, DRILL_LABEL, DRILL_SOURCE_LABEL, DRILL_TARGET_LABEL, DEFAULT_DRILL_LIMITS, type DrillLimits } from './container.js';
export { compareDatabases, compareFiles, compareKeyspace, compareTables, type Comparison } from './compare.js';
export { drillOwner } from './owner.js';
