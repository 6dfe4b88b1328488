// Adapts the Docker client to what discovery needs: triggers, label-filtered ids, inspect (null when gone).
import { map } from 'rxjs/operators';
import { DockerNotFoundError, backoff } from '@baqup/docker';
export function dockerDiscoverySource(docker) {
    return {
        triggers: () => docker.events({ backoff: (n) => backoff(n, { maxMs: 2000, random: Math.random }) }).pipe(map((e) => {
            if (e.kind === 'event')
                return { kind: 'event', id: e.id, action: e.action };
            if (e.kind === 'resync')
                return { kind: 'resync' };
            return { kind: 'disconnected', error: e.error };
        })),
        listIds: async (signal) => (await docker.list({ labels: ['backup.enabled'], ...(signal ? { signal } : {}) })).map((c) => c.id),
        inspect: async (id, signal) => {
            try {
                const c = await docker.inspect(id, signal);
                return { id: c.id, name: c.name, image: c.image, running: c.state.running, labels: c.labels, env: c.env };
            }
            catch (err) {
                if (err instanceof DockerNotFoundError)
                    return null;
                throw err;
            }
        },
    };
}
//# sourceMappingURL=discovery-source.js.map