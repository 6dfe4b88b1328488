// The typed views of containers that the rest of baqup needs, mapped from the engine's JSON (pure).
import type Dockerode from 'dockerode';

export interface ContainerState {
  running: boolean;
  /** created | running | paused | restarting | removing | exited | dead */
  status: string;
  /** Host pid of the container's main process; 0 when not running. */
  pid: number;
  exitCode: number;
  /** healthy | unhealthy | starting, when the container has a healthcheck. */
  health?: string;
}

export interface ContainerMount {
  type: string;
  /** Host path (bind) or volume path on the host. */
  source: string;
  destination: string;
  rw: boolean;
  /** Volume name, for volumes. */
  name?: string;
}

export interface ContainerInfo {
  id: string;
  /** Without the leading slash. */
  name: string;
  image: string;
  labels: Record<string, string>;
  /** `KEY=value` strings, as the engine gives them. May contain secrets: never log. */
  env: string[];
  state: ContainerState;
  /** Config.StopSignal, default SIGTERM (what `docker stop` sends first). */
  stopSignal: string;
  /** Config.StopTimeout in seconds, default 10 (what `docker stop` waits before SIGKILL). */
  stopTimeout: number;
  mounts: ContainerMount[];
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  /** running | exited | … */
  state: string;
}

export const DEFAULT_STOP_SIGNAL = 'SIGTERM';
export const DEFAULT_STOP_TIMEOUT = 10;

export function toContainerInfo(raw: Dockerode.ContainerInspectInfo): ContainerInfo {
  const config = raw.Config as Dockerode.ContainerInspectInfo['Config'] & { StopSignal?: string; StopTimeout?: number };
  const state: ContainerState = {
    running: raw.State.Running,
    status: raw.State.Status,
    pid: raw.State.Pid,
    exitCode: raw.State.ExitCode,
  };
  if (raw.State.Health?.Status) state.health = raw.State.Health.Status;
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ''),
    image: config.Image,
    labels: config.Labels ?? {},
    env: config.Env ?? [],
    state,
    stopSignal: config.StopSignal || DEFAULT_STOP_SIGNAL,
    stopTimeout: typeof config.StopTimeout === 'number' ? config.StopTimeout : DEFAULT_STOP_TIMEOUT,
    mounts: (raw.Mounts ?? []).map((m) => {
      const mount: ContainerMount = { type: m.Type, source: m.Source, destination: m.Destination, rw: m.RW };
      if (m.Name) mount.name = m.Name;
      return mount;
    }),
  };
}

export function toContainerSummary(raw: Dockerode.ContainerInfo): ContainerSummary {
  return {
    id: raw.Id,
    name: (raw.Names?.[0] ?? '').replace(/^\//, ''),
    image: raw.Image,
    labels: raw.Labels ?? {},
    state: raw.State,
  };
}
