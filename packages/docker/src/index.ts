export { backoff } from './backoff.js';
export { type ContainerInfo } from './containers.js';
export {
  isUnreachable,
  toDockerError,
  DockerApiError,
  DockerArchiveError,
  DockerEventsEndedError,
  DockerNotFoundError,
  DockerStreamError,
  ExecFailedError,
} from './errors.js';
export { eventStream, type DockerEvent, type EventsConnect } from './events.js';
export { execFailure, type ExecResult } from './exec-stream.js';
export { isSymlink, type PathStat } from './archive.js';
export { createDockerClient, DockerClient } from './client.js';
export { applyHost } from './host.js';
