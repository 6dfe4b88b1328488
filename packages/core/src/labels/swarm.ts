// A Swarm task's backup name. The engine names a task's container `<service>.<slot>.<task id>` (global:
// `<service>.<node id>.<task id>`), new on every reschedule; backups, history, retention and restore must follow the
// service instead, so a task is named by its service (a stack's services are already `<stack>_<service>`).
import type { SwarmTask } from '../model.js';

export const SWARM_SERVICE_NAME_LABEL = 'com.docker.swarm.service.name';
export const SWARM_SERVICE_ID_LABEL = 'com.docker.swarm.service.id';
export const SWARM_TASK_NAME_LABEL = 'com.docker.swarm.task.name';
export const SWARM_TASK_ID_LABEL = 'com.docker.swarm.task.id';
export const SWARM_NODE_ID_LABEL = 'com.docker.swarm.node.id';
/** Set by `docker stack deploy` on the service and its tasks. */
export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';

const str = (labels: Readonly<Record<string, unknown>>, key: string): string | undefined => {
  const v = labels?.[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

// What a container name may be (the engine's own rule); anything else falls back to the container's name.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The Swarm task a container is, from the labels the engine sets on it; undefined for a plain container. */
export function swarmTask(labels: Readonly<Record<string, unknown>>, containerName: string): SwarmTask | undefined {
  const service = str(labels, SWARM_SERVICE_NAME_LABEL);
  const serviceId = str(labels, SWARM_SERVICE_ID_LABEL);
  if (service === undefined || serviceId === undefined || !NAME.test(service)) return undefined;
  const stack = str(labels, STACK_NAMESPACE_LABEL);
  const full = stack !== undefined && NAME.test(stack) && !service.startsWith(`${stack}_`) ? `${stack}_${service}` : service;
  // The replica's slot (`web.2.x`): two replicas of one service on one node must not share a name. Slot 1 and a
  // global service's task (`web.<node id>.x`) are the service itself.
  const task = str(labels, SWARM_TASK_NAME_LABEL) ?? containerName;
  const rest = task.startsWith(`${service}.`) ? task.slice(service.length + 1) : '';
  const slot = /^(\d+)\./.exec(rest)?.[1];
  const slotNumber = slot === undefined ? undefined : Number(slot);
  const name = slotNumber !== undefined && slotNumber > 1 ? `${full}.${slotNumber}` : full;
  return {
    name,
    service,
    serviceId,
    ...(stack !== undefined ? { stack } : {}),
    ...(slotNumber !== undefined ? { slot: slotNumber } : {}),
    taskContainer: containerName,
  };
}

/** The name a container's backups go under: its Swarm service's for a task, else its own. */
export function backupName(labels: Readonly<Record<string, unknown>>, containerName: string): string {
  return swarmTask(labels, containerName)?.name ?? containerName;
}
