// Wires the controller: everything here is composition; the logic lives in the packages.
import { mkdirSync } from 'node:fs';
import { Subscription } from 'rxjs';
import { controllerDefaults, loadConfig, parseLabels } from '@baqup/core';
import { discover } from '@baqup/discovery';
import { createDockerClient } from '@baqup/docker';
import { createLogger } from '@baqup/log';
import { StateStore } from '@baqup/state';
import { dockerDiscoverySource } from './discovery-source.js';
import { startApiServer } from './http/server.js';
import { stateRoutes } from './http/state-routes.js';
import { resolveApiToken } from './api-token.js';
export async function startController(options) {
    const { config, source } = loadConfig({ ...(options.configPath ? { path: options.configPath } : {}), env: options.env });
    const logger = createLogger({ level: config.logging.level, format: config.logging.format });
    mkdirSync(config.staging.path, { recursive: true });
    const docker = createDockerClient(options.env);
    const store = new StateStore(docker.address);
    const defaults = controllerDefaults(config);
    logger.info('config loaded', { event: 'config.loaded', source, docker: docker.address, staging: config.staging.path, remote: config.upload.remote });
    let unreachableLogged = false;
    const desired$ = discover(dockerDiscoverySource(docker), {
        logger,
        resyncIntervalMs: config.resync_interval * 1000,
        derive: (c) => parseLabels(c.labels, c.env, defaults, { id: c.id, name: c.name, image: c.image }),
        onDisconnected: (error) => {
            store.setDocker({ connected: false, lastError: error });
            if (!unreachableLogged) {
                unreachableLogged = true;
                logger.error(`Docker engine not reachable at ${docker.address}; retrying with backoff`, {
                    event: 'docker.unreachable',
                    error: { message: error, code: 'BAQUP_DOCKER_UNREACHABLE' },
                });
            }
        },
        onConnected: () => {
            if (!store.snapshot().docker.connected)
                logger.info(`Docker engine answers at ${docker.address}`, { event: 'docker.connected' });
            unreachableLogged = false;
            store.setDocker({ connected: true, lastError: undefined });
        },
    });
    const subscriptions = new Subscription();
    subscriptions.add(desired$.subscribe((desired) => store.applyDesired(desired)));
    const token = resolveApiToken(config.api);
    const api = await startApiServer({
        listen: config.api.listen,
        token,
        protectReads: config.api.protect_reads,
        logger,
        routes: [...stateRoutes(store)],
    });
    logger.info(`baqup controller started; API on http://${api.address}`, { event: 'controller.started', api: api.address, dry_run: options.dryRun });
    let stopping = null;
    const stop = () => (stopping ??= (async () => {
        logger.info('controller stopping', { event: 'controller.stopping' });
        subscriptions.unsubscribe();
        await api.close();
        await logger.flush();
    })());
    for (const sig of ['SIGTERM', 'SIGINT']) {
        process.once(sig, () => {
            void stop().then(() => process.exit(0));
        });
    }
    return { stop, apiAddress: api.address };
}
//# sourceMappingURL=controller.js.map