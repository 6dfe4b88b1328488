import type { IncomingMessage, ServerResponse } from 'node:http';
export interface RouteContext {
    req: IncomingMessage;
    res: ServerResponse;
    params: Record<string, string>;
    url: URL;
    body: () => Promise<unknown>;
}
export type Handler = (ctx: RouteContext) => Promise<void> | void;
export interface Route {
    method: 'GET' | 'POST';
    path: string;
    /** Mutating routes always need the token; read routes only when the config protects reads. */
    mutating?: boolean;
    handler: Handler;
}
export declare function matchRoute(routes: Route[], method: string, pathname: string): {
    route: Route;
    params: Record<string, string>;
} | null;
export declare function sendJson(res: ServerResponse, status: number, body: unknown): void;
export declare function sendText(res: ServerResponse, status: number, body: string, type?: string): void;
export declare function readJsonBody(req: IncomingMessage): Promise<unknown>;
//# sourceMappingURL=router.d.ts.map