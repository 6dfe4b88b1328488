// Swarm's side of the engine: whether this node is a manager, a service's labels (`deploy.labels`, which the
// engine does not copy onto task containers) and its replica count, which a cold backup scales to 0 and back.
// Only a manager answers the services API; a worker's engine says 503 "not a swarm manager".
import type Dockerode from 'dockerode';
import { DockerApiError, DockerNotFoundError, SWARM_SERVICE_ID_LABEL } from '@baqup/core';
import { call, type DockerContext } from './context.js';

export interface SwarmNode {
  /** `inactive` (no Swarm), `active`, `pending`, `error`, `locked`. */
  state: string;
  /** This node is a manager: the services API answers here. */
  manager: boolean;
  nodeId?: string;
}

export async function swarmNode(ctx: DockerContext, signal?: AbortSignal): Promise<SwarmNode> {
  // dockerode 4 takes options on info (abortSignal); @types/dockerode only declares the callback form.
  const info = ctx.docker.info.bind(ctx.docker) as unknown as (o: { abortSignal?: AbortSignal }) => Promise<{ Swarm?: { LocalNodeState?: unknown; ControlAvailable?: unknown; NodeID?: unknown } } | undefined>;
  const answer = (await call(ctx, 'info', () => info(signal ? { abortSignal: signal } : {}))) ?? {};
  const s = answer.Swarm ?? {};
  return {
    state: typeof s.LocalNodeState === 'string' && s.LocalNodeState !== '' ? s.LocalNodeState : 'inactive',
    manager: s.ControlAvailable === true,
    ...(typeof s.NodeID === 'string' && s.NodeID !== '' ? { nodeId: s.NodeID } : {}),
  };
}

/** True when the engine refused because it is not a manager (a worker, or a node that left the Swarm). */
export function isNotManager(err: unknown): boolean {
  return err instanceof DockerApiError && err.statusCode === 503;
}

interface ServiceSpec {
  Labels?: Record<string, string>;
  Mode?: { Replicated?: { Replicas?: number }; Global?: object };
  [key: string]: unknown;
}

async function inspectService(ctx: DockerContext, id: string, signal?: AbortSignal): Promise<{ Version?: { Index?: number }; Spec?: ServiceSpec }> {
  const service = ctx.docker.getService(id);
  return (await call(ctx, `service ${id}`, () => service.inspect(signal ? { abortSignal: signal } : {}))) as { Version?: { Index?: number }; Spec?: ServiceSpec };
}

/** The service's own labels (`deploy.labels` in a stack file). DockerNotFoundError when gone; 503 on a worker. */
export async function serviceLabels(ctx: DockerContext, id: string, signal?: AbortSignal): Promise<Record<string, string>> {
  const labels = (await inspectService(ctx, id, signal)).Spec?.Labels ?? {};
  return Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** A replicated service's replica count; undefined for a global service. */
export async function serviceReplicas(ctx: DockerContext, id: string, signal?: AbortSignal): Promise<number | undefined> {
  const r = (await inspectService(ctx, id, signal)).Spec?.Mode?.Replicated?.Replicas;
  return typeof r === 'number' ? r : undefined;
}

/**
 * Sets a replicated service's replica count, the rest of its spec unchanged (the version read with it: an update
 * made meanwhile by someone else fails with 500 "update out of sequence" rather than being overwritten).
 */
export async function scaleService(ctx: DockerContext, id: string, replicas: number, signal?: AbortSignal): Promise<void> {
  const current = await inspectService(ctx, id, signal);
  const spec = current.Spec ?? {};
  if (!spec.Mode?.Replicated) throw new DockerApiError(`Docker service ${id}: not a replicated service, it cannot be scaled`, 400);
  const next = { ...spec, Mode: { ...spec.Mode, Replicated: { ...spec.Mode.Replicated, Replicas: replicas } } };
  const service = ctx.docker.getService(id);
  await call(ctx, `service ${id} update`, () =>
    service.update({ ...next, version: current.Version?.Index ?? 0, ...(signal ? { abortSignal: signal } : {}) } as unknown as Dockerode.ServiceSpec & { version: number }),
  );
}

/**
 * A container's labels with, for a Swarm task, its service's labels (`deploy.labels`) under them (the container's
 * own win a clash). Only a manager can read a service; on a worker, or when the service is gone, the container's
 * own labels are all there is (docs/swarm.md: put `backup.*` in the service's container labels there).
 */
export async function withServiceLabels(ctx: DockerContext, labels: Record<string, string>, signal?: AbortSignal): Promise<Record<string, string>> {
  const serviceId = labels[SWARM_SERVICE_ID_LABEL];
  if (serviceId === undefined || serviceId === '') return labels;
  let service: Record<string, string>;
  try {
    service = await serviceLabels(ctx, serviceId, signal);
  } catch (err) {
    if (isNotManager(err) || err instanceof DockerNotFoundError) return labels;
    throw err;
  }
  return { ...service, ...labels };
}
