export { StateStore, type TargetSeed, type ControllerState, type QueueState } from './store.js';
export { holdView, containerView, containersView, type ContainerView, type TargetView, type HoldView } from './views.js';
