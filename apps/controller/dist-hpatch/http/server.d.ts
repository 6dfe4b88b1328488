import { type Server } from 'node:http';
import type { Logger } from '@baqup/core';
import { type Route } from './router.js';
export interface ApiServerOptions {
    listen: string;
    routes: Route[];
    token?: string;
    protectReads?: boolean;
    logger: Logger;
}
export declare function parseListen(listen: string): {
    host: string;
    port: number;
};
export declare function startApiServer(options: ApiServerOptions): Promise<{
    server: Server;
    address: string;
    close: () => Promise<void>;
}>;
//# sourceMappingURL=server.d.ts.map