// The container a backup is loaded into and the target config to load it with. The destination's own labels win;
// a fresh container (`--into`) without labels borrows the source container's labels, with credentials resolved
// against the destination's env (password_env names a variable of the container being loaded); with neither,
// engine defaults (postgres over the local socket as `postgres`, redis in /data).
import {
  backupName,
  parseLabels,
  SWARM_SERVICE_ID_LABEL,
  type ContainerBackupConfig,
  type ControllerDefaults,
  type TargetConfig,
  type TargetType,
} from '@baqup/core';
import { DockerNotFoundError, type ContainerInfo, type DockerClient } from '@baqup/docker';
import { RestoreRefusedError } from './errors.js';

export interface Destination {
  info: ContainerInfo;
  /** The name the destination's backups go under (its Swarm service's for a task; else info.name). */
  name: string;
  target: TargetConfig;
  /** `backup.stop` of the container whose labels gave the target (fs restores stop only when it is true). */
  stop: boolean;
  /** Where the target config came from, for the plan. */
  configFrom: string;
}

async function inspectByName(docker: DockerClient, name: string): Promise<ContainerInfo | undefined> {
  try {
    return await docker.inspect(name);
  } catch (err) {
    if (!(err instanceof DockerNotFoundError)) throw err;
  }
  // A Swarm service's backups are named by the service: the destination is its task running on this node now.
  const tasks = await docker.list({ labels: [SWARM_SERVICE_ID_LABEL] });
  const task = tasks.find((t) => backupName(t.labels, t.name.replace(/^\//, '')) === name);
  if (!task) return undefined;
  try {
    return await docker.inspect(task.id);
  } catch (err) {
    if (err instanceof DockerNotFoundError) return undefined;
    throw err;
  }
}

function find(config: ContainerBackupConfig, type: TargetType, instance: string): TargetConfig | undefined {
  return config.targets.find((t) => t.type === type && t.instance === instance);
}

export async function resolveDestination(
  docker: DockerClient,
  defaults: ControllerDefaults,
  req: { container: string; into?: string; type: TargetType; instance: string },
): Promise<Destination> {
  const destName = req.into ?? req.container;
  const info = await inspectByName(docker, destName);
  if (!info) throw new RestoreRefusedError(`no container named "${destName}" on this Docker engine${req.into ? '' : '; restore into another one with --into'}`);
  const ref = { id: info.id, name: info.name, image: info.image };
  // A Swarm task's labels as discovery reads them: its service's `deploy.labels` under its own.
  const own = parseLabels(await docker.withServiceLabels(info.labels), info.env, defaults, ref);
  const name = own.containerName || info.name;
  const mine = find(own, req.type, req.instance);
  if (mine) return { info, name, target: mine, stop: own.stop, configFrom: `labels of ${info.name}` };
  if (req.into && req.into !== req.container) {
    const source = await inspectByName(docker, req.container);
    if (source) {
      const borrowed = parseLabels(await docker.withServiceLabels(source.labels), info.env, defaults, ref);
      const t = find(borrowed, req.type, req.instance);
      if (t) return { info, name, target: t, stop: borrowed.stop, configFrom: `labels of ${source.name} (credentials from ${info.name}'s env)` };
    }
  }
  if (req.type === 'fs' || req.type === 'sqlite') {
    throw new RestoreRefusedError(`${info.name} has no backup.${req.type}.${req.instance}.path label to say where the ${req.type} data goes; label it (or keep the source container) and retry`);
  }
  const d = defaults.target;
  const target: TargetConfig = {
    type: req.type,
    instance: req.instance,
    schedule: d.schedule,
    compress: 'none',
    timeoutSeconds: d.timeoutSeconds,
    properties: {},
    ...(req.type === 'redis' ? { path: '/data' } : {}),
  };
  return { info, name, target, stop: false, configFrom: 'engine defaults (no labels for this target)' };
}
