// A SECOND dockerd, private to one test, so a test may stop and start "the engine" without touching the shared
// one: own socket, data-root, exec-root, pidfile and containerd namespaces; no bridge, no iptables (containers
// run with network none). destroy() removes its containers, stops it and deletes its directories, whatever state
// it is in; start() first clears what a crashed earlier run may have left at the same root.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Docker from 'dockerode';
import { docker as sharedDocker } from './client.js';

export const SECOND_ENGINE_ROOT = '/tmp/baqup-e2e-d2';

export interface SecondEngine {
  root: string;
  socketPath: string;
  /** `unix:///…/docker.sock`, for DOCKER_HOST. */
  host: string;
  /** A client of this engine (works whenever it runs). */
  docker: Docker;
  /** The running dockerd's pid, or undefined while stopped. */
  readonly pid: number | undefined;
  /** Starts dockerd and resolves once it answers a ping. */
  start(): Promise<void>;
  /** SIGTERM and wait until the process has exited (SIGKILL after 30 s). */
  stop(): Promise<void>;
  /** Copies an image of the shared engine into this one. */
  loadImage(tag: string): Promise<void>;
  /** Containers, dockerd (and the containerd it manages), mounts and directories: all gone. */
  destroy(): Promise<void>;
  logTail(lines?: number): string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function terminate(pid: number, graceMs: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(50);
}

/** Pids whose command line names a path under `root` (our dockerd, its containerd and shims) — nothing else. */
function processesUnder(root: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.startsWith(`${root}/`) || a.includes(`unix://${root}/`))) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Unmounts what dockerd left mounted under `root` (overlay layers, netns, shm), deepest first. */
function unmountUnder(root: string): void {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => m !== undefined && (m === root || m.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
}

async function scrub(root: string): Promise<void> {
  const pid = readPid(join(root, 'docker.pid'));
  if (pid !== undefined) await terminate(pid, 30_000);
  for (const p of processesUnder(root)) await terminate(p, 5_000);
  unmountUnder(root);
  rmSync(root, { recursive: true, force: true });
}

export function secondEngine(root: string = SECOND_ENGINE_ROOT): SecondEngine {
  const socketPath = join(root, 'docker.sock');
  const logFile = join(root, 'dockerd.log');
  const client = new Docker({ socketPath });
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let prepared = false;

  const engine: SecondEngine = {
    root,
    socketPath,
    host: `unix://${socketPath}`,
    docker: client,
    get pid() {
      return child?.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    async start() {
      if (engine.pid !== undefined) throw new Error('second engine: already running');
      if (!prepared) {
        await scrub(root); // a crashed earlier run's leftovers at the same root
        prepared = true;
      }
      mkdirSync(root, { recursive: true });
      const fd = openSync(logFile, 'a');
      const args = [
        '--host', `unix://${socketPath}`,
        '--data-root', join(root, 'data'),
        '--exec-root', join(root, 'exec'),
        '--pidfile', join(root, 'docker.pid'),
        '--bridge=none', '--iptables=false', '--ip6tables=false',
        '--containerd-namespace', 'baqup-e2e-d2',
        '--containerd-plugins-namespace', 'baqup-e2e-d2-plugins',
      ];
      // Detached: its own process group, so a Ctrl-C of the test run reaches it only through destroy().
      const c = spawn('dockerd', args, { detached: true, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      child = c;
      exited = new Promise((resolve) => c.once('exit', () => resolve()));
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (c.exitCode !== null || c.signalCode !== null) throw new Error(`second engine: dockerd exited while starting; log:\n${engine.logTail()}`);
        if (existsSync(socketPath) && (await client.ping().then(() => true, () => false))) return;
        await sleep(50);
      }
      throw new Error(`second engine: no answer within 60 s; log:\n${engine.logTail()}`);
    },
    async stop() {
      const pid = engine.pid;
      if (pid === undefined) return;
      process.kill(pid, 'SIGTERM');
      const t = setTimeout(() => (engine.pid !== undefined ? process.kill(pid, 'SIGKILL') : undefined), 30_000);
      await exited;
      clearTimeout(t);
    },
    async loadImage(tag) {
      const tar = await sharedDocker().getImage(tag).get();
      const res = (await client.loadImage(tar, { quiet: true })) as NodeJS.ReadableStream;
      let text = '';
      for await (const chunk of res) text += chunk.toString();
      if (/"error(Detail)?"/.test(text)) throw new Error(`second engine: loading ${tag} failed: ${text.slice(0, 500)}`);
      await client.getImage(tag).inspect(); // throws when the tag did not arrive
    },
    async destroy() {
      if (engine.pid !== undefined) {
        const list = await client.listContainers({ all: true }).catch(() => []);
        await Promise.all(list.map((c) => client.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
        await engine.stop();
      }
      await scrub(root);
      prepared = false;
    },
    logTail(lines = 30) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
  return engine;
}
