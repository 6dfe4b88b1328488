// Stop and start exactly as `docker stop` / `docker start` do.
import { call, type DockerContext } from './context.js';
import { toContainerInfo, type ContainerInfo } from './containers.js';

export async function inspect(ctx: DockerContext, id: string, signal?: AbortSignal): Promise<ContainerInfo> {
  const raw = await call(ctx, `container ${id}`, () =>
    ctx.docker.getContainer(id).inspect(signal ? { abortSignal: signal } : {}),
  );
  return toContainerInfo(raw);
}

function isNotModified(err: unknown): boolean {
  return (err as { statusCode?: number } | null)?.statusCode === 304;
}

/**
 * Stop like `docker stop`: the engine sends the container's own Config.StopSignal, and we pass `t` = its
 * Config.StopTimeout (default 10 s) so the grace period before SIGKILL is the one the container declared.
 * Resolves once the container has stopped; an already stopped container is fine. No client-side timeout:
 * the request lasts as long as the grace period.
 */
export async function stop(ctx: DockerContext, id: string, signal?: AbortSignal): Promise<void> {
  const info = await inspect(ctx, id, signal);
  try {
    await ctx.docker.getContainer(id).stop({ t: info.stopTimeout, ...(signal ? { abortSignal: signal } : {}) });
  } catch (err) {
    if (isNotModified(err)) return;
    await call(ctx, `container ${id}`, () => Promise.reject(err));
  }
}

/** Start a container; an already running one is fine. */
export async function start(ctx: DockerContext, id: string, signal?: AbortSignal): Promise<void> {
  try {
    await ctx.docker.getContainer(id).start(signal ? { abortSignal: signal } : {});
  } catch (err) {
    if (isNotModified(err)) return;
    await call(ctx, `container ${id}`, () => Promise.reject(err));
  }
}

/** Wait until the container is not running; resolves to its exit code. */
export async function wait(ctx: DockerContext, id: string, signal?: AbortSignal): Promise<number> {
  const res = (await call(ctx, `container ${id}`, () =>
    ctx.docker.getContainer(id).wait({ condition: 'not-running', ...(signal ? { abortSignal: signal } : {}) }),
  )) as { StatusCode: number };
  return res.StatusCode;
}
