import type { StateStore } from '@baqup/state';
import { type Route } from './router.js';
export declare function stateRoutes(store: StateStore): Route[];
//# sourceMappingURL=state-routes.d.ts.map