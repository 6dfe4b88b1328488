// Throwaway containers (drills): a new container from the image another one runs, with its command and
// environment but none of its volumes, mounts, ports or networks; removed with its anonymous volumes.
import type Dockerode from 'dockerode';
import { call, type DockerContext } from './context.js';

export interface ThrowawaySpec {
  /** The container whose image, command, entrypoint, user, working dir and environment are reused. */
  sourceId: string;
  name: string;
  labels: Record<string, string>;
  memoryBytes: number;
  /** CPUs in units of 1e-9 (Docker's NanoCpus). */
  nanoCpus: number;
  signal?: AbortSignal;
}

/** Creates (not starts) the throwaway container; resolves its id. Network `none`, no ports, no binds, no mounts. */
export async function createThrowaway(ctx: DockerContext, spec: ThrowawaySpec): Promise<string> {
  const src = await call(ctx, `container ${spec.sourceId}`, () => ctx.docker.getContainer(spec.sourceId).inspect(spec.signal ? { abortSignal: spec.signal } : {}));
  const c = src.Config;
  const created = await call(ctx, `create ${spec.name}`, () =>
    ctx.docker.createContainer({
      name: spec.name,
      // The image id the source runs, not its tag: a tag moved since is not what was backed up.
      Image: src.Image,
      ...(c.Cmd ? { Cmd: c.Cmd } : {}),
      ...(c.Entrypoint ? { Entrypoint: c.Entrypoint as string[] } : {}),
      ...(c.Env ? { Env: c.Env } : {}),
      ...(c.User ? { User: c.User } : {}),
      ...(c.WorkingDir ? { WorkingDir: c.WorkingDir } : {}),
      Labels: spec.labels,
      ExposedPorts: {},
      NetworkDisabled: false,
      HostConfig: {
        NetworkMode: 'none',
        Memory: spec.memoryBytes,
        MemorySwap: spec.memoryBytes,
        NanoCpus: spec.nanoCpus,
        PortBindings: {},
        PublishAllPorts: false,
        Binds: [],
        Mounts: [],
        RestartPolicy: { Name: 'no' },
        AutoRemove: false,
      },
      ...(spec.signal ? { abortSignal: spec.signal } : {}),
    }),
  );
  return created.id;
}

export interface CopySpec {
  /** The container whose image, command, entrypoint, user, working dir, environment and labels are reused. */
  sourceId: string;
  name: string;
  /** The new container's labels, from the source's. */
  labels: (source: Record<string, string>) => Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Creates (not starts) a new container like `sourceId` for a restore into a new container; resolves its id. The
 * source's image (by id), command, entrypoint, user, working dir and env; the image's volumes (and the source's
 * anonymous ones) as fresh anonymous volumes, never the source's binds, mounts or named volumes (that is the
 * source's data); network `none`, no published ports, no restart policy: nothing reaches it or starts it but you.
 */
export async function createCopy(ctx: DockerContext, spec: CopySpec): Promise<string> {
  const src = await call(ctx, `container ${spec.sourceId}`, () => ctx.docker.getContainer(spec.sourceId).inspect(spec.signal ? { abortSignal: spec.signal } : {}));
  const c = src.Config;
  const created = await call(ctx, `create ${spec.name}`, () =>
    ctx.docker.createContainer({
      name: spec.name,
      Image: src.Image,
      ...(c.Cmd ? { Cmd: c.Cmd } : {}),
      ...(c.Entrypoint ? { Entrypoint: c.Entrypoint as string[] } : {}),
      ...(c.Env ? { Env: c.Env } : {}),
      ...(c.User ? { User: c.User } : {}),
      ...(c.WorkingDir ? { WorkingDir: c.WorkingDir } : {}),
      ...(c.Volumes ? { Volumes: c.Volumes } : {}),
      Labels: spec.labels(c.Labels ?? {}),
      ExposedPorts: {},
      HostConfig: { NetworkMode: 'none', PortBindings: {}, PublishAllPorts: false, Binds: [], Mounts: [], RestartPolicy: { Name: 'no' }, AutoRemove: false },
      ...(spec.signal ? { abortSignal: spec.signal } : {}),
    }),
  );
  return created.id;
}

/** Removes a container and its anonymous volumes, running or not; a container already gone is fine. */
export async function removeContainer(ctx: DockerContext, id: string): Promise<void> {
  try {
    await ctx.docker.getContainer(id).remove({ force: true, v: true });
  } catch (err) {
    const status = (err as { statusCode?: number } | null)?.statusCode;
    if (status === 404) return;
    // 409: removal already in progress.
    if (status === 409 && /already in progress/i.test(String((err as Error).message))) return;
    await call(ctx, `remove ${id}`, () => Promise.reject(err));
  }
}

export interface StandInSpec {
  /** The container whose image and volumes/binds are reused (read-only). */
  sourceId: string;
  name: string;
  labels: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Creates (never starts) a container with the source's image and its named volumes and binds mounted read-only at
 * the same paths, network none: the archive API reads a created container's files, so a cold copy can be taken
 * from it after the source is gone (a Swarm task removed by scaling its service to 0). Anonymous volumes and tmpfs
 * die with the source and are not there.
 */
export async function createStandIn(ctx: DockerContext, spec: StandInSpec): Promise<string> {
  const src = await call(ctx, `container ${spec.sourceId}`, () => ctx.docker.getContainer(spec.sourceId).inspect(spec.signal ? { abortSignal: spec.signal } : {}));
  const mounts: Array<{ Type: 'volume' | 'bind'; Source: string; Target: string; ReadOnly: boolean }> = [];
  for (const m of src.Mounts ?? []) {
    if (m.Type === 'volume' && m.Name) mounts.push({ Type: 'volume', Source: m.Name, Target: m.Destination, ReadOnly: true });
    else if (m.Type === 'bind') mounts.push({ Type: 'bind', Source: m.Source, Target: m.Destination, ReadOnly: true });
  }
  const created = await call(ctx, `create ${spec.name}`, () =>
    ctx.docker.createContainer({
      name: spec.name,
      Image: src.Image,
      Cmd: ['true'],
      Entrypoint: [],
      Labels: spec.labels,
      HostConfig: { NetworkMode: 'none', Mounts: mounts, RestartPolicy: { Name: 'no' }, AutoRemove: false },
      ...(spec.signal ? { abortSignal: spec.signal } : {}),
    } as Dockerode.ContainerCreateOptions),
  );
  return created.id;
}
