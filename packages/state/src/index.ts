export { StateStore, type TargetSeed, type ControllerState, type QueueState } from './store.js';
export { holdView, containerView, containersView } from './views.js';
