export { pruneTarget, pruneSide, type PruneTargetOptions, type SidePruneResult } from './prune-target.js';
export { type TriggerRetention } from './groups.js';
export { prune } from './prune-operator.js';
