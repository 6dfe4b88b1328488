import { containerView, containersView } from '@baqup/state';
import { sendJson } from './router.js';
export function stateRoutes(store) {
    return [
        { method: 'GET', path: '/api/containers', handler: ({ res }) => sendJson(res, 200, containersView(store.snapshot())) },
        {
            method: 'GET',
            path: '/api/containers/:name',
            handler: ({ res, params }) => {
                const state = store.snapshot();
                const c = state.containers.get(params.name ?? '');
                if (!c)
                    return sendJson(res, 404, { error: `no labelled container named "${params.name}"` });
                return sendJson(res, 200, containerView(state, c));
            },
        },
        {
            method: 'GET',
            path: '/api/events',
            handler: ({ res }) => sendJson(res, 200, store.snapshot().recentEvents),
        },
        {
            method: 'GET',
            path: '/api/status',
            handler: ({ res }) => {
                const s = store.snapshot();
                sendJson(res, 200, { docker: s.docker, containers: s.containers.size, targets: s.targets.size, queue: s.queue });
            },
        },
    ];
}
//# sourceMappingURL=state-routes.js.map