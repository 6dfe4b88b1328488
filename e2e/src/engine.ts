// Makes sure a Docker engine answers. An engine already running is used and left alone; otherwise, as root on
// Debian, docker.io is installed from Debian's packages and a dockerd is started that stopEngine() stops again.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { engineAnswers } from './client.js';
import { repoRoot } from './paths.js';

export interface EngineHandle {
  /** The pid of the dockerd this harness started, or undefined when the engine was already there. */
  startedPid: number | undefined;
  logFile: string | undefined;
}

const DEFAULT_LOG = '/tmp/baqup-e2e-dockerd.log';

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function has(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

/** Ensures an engine answers; starts one when allowed and needed. Throws with what is missing otherwise. */
export async function ensureEngine(): Promise<EngineHandle> {
  if (await engineAnswers()) return { startedPid: undefined, logFile: undefined };
  if (process.env.DOCKER_HOST) {
    throw new Error(`e2e: no Docker engine answers at DOCKER_HOST=${process.env.DOCKER_HOST}; start it or unset DOCKER_HOST.`);
  }
  const isRoot = process.getuid?.() === 0;
  const isDebian = existsSync('/etc/debian_version');
  if (!isRoot || !isDebian) {
    throw new Error(
      'e2e: no Docker engine answers at /var/run/docker.sock, and the harness can only install and start one ' +
        `as root on Debian (root: ${isRoot}, Debian: ${isDebian}). Start dockerd or set DOCKER_HOST.`,
    );
  }
  if (!has('dockerd') || !has('debootstrap')) {
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/ensure-tools.mjs'), '--e2e'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('e2e: installing docker.io/debootstrap from Debian packages failed (see above).');
  }
  const logFile = process.env.BAQUP_E2E_DOCKERD_LOG ?? DEFAULT_LOG;
  const fd = openSync(logFile, 'a');
  // Detached: its own process group, so a Ctrl-C to the test run does not kill the engine mid-teardown.
  const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await engineAnswers(1_000)) return { startedPid: child.pid, logFile };
    if (exited !== null) throw new Error(`e2e: dockerd exited with ${exited} while starting. Log ${logFile}:\n${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`e2e: dockerd did not answer within 60 s. Log ${logFile}:\n${tail(logFile)}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the dockerd ensureEngine started (TERM, then KILL after 30 s); leaves a pre-existing engine alone. */
export async function stopEngine(handle: EngineHandle): Promise<void> {
  const pid = handle.startedPid;
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}
