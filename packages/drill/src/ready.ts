// Waits until the engine in a fresh drill container serves on its real server (not the official images' init-time
// server, which listens on the socket only): postgres and mariadb over TCP on 127.0.0.1, redis answering PING.
import { setTimeout as sleep } from 'node:timers/promises';
import { DrillContainerError, type Secret, type TargetConfig } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { redisCli } from '@baqup/dump';

async function firstTool(docker: DockerClient, id: string, tools: string[], signal: AbortSignal): Promise<string | undefined> {
  const script = 'for t in "$@"; do if command -v "$t" >/dev/null 2>&1; then echo "$t"; exit 0; fi; done; exit 127';
  const r = await docker.execToCompletion(id, ['sh', '-c', script, 'baqup-find-tool', ...tools], { signal }).catch(() => undefined);
  return r?.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
}

export async function waitReady(docker: DockerClient, id: string, target: TargetConfig, password: Secret | undefined, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let probe: (() => Promise<boolean>) | undefined;
  const ok = async (argv: string[], env: Record<string, string | Secret> = {}, expect?: RegExp) => {
    const r = await docker.execToCompletion(id, argv, { env, signal, maxBytes: 64 * 1024 }).catch(() => undefined);
    return r !== undefined && r.exitCode === 0 && (!expect || expect.test(r.stdout));
  };
  switch (target.type) {
    case 'postgres': {
      const port = String(target.port ?? 5432);
      probe = () => ok(['pg_isready', '-q', '-h', '127.0.0.1', '-p', port]);
      break;
    }
    case 'mariadb':
    case 'mysql': {
      const admin = await firstTool(docker, id, ['mariadb-admin', 'mysqladmin'], signal);
      // `ping` exits 0 once the server answers, even when it refuses the user: readiness, not credentials.
      if (admin) probe = () => ok([admin, 'ping', '-h', '127.0.0.1', '--protocol=tcp', `--port=${target.port ?? 3306}`, '--connect-timeout=5']);
      break;
    }
    case 'redis':
      probe = () => ok(redisCli(target, 'PING'), password ? { REDISCLI_AUTH: password } : {}, /PONG/);
      break;
    case 'mongo':
      probe = () => ok(['mongosh', '--nodb', '--quiet', '--eval', `connect('mongodb://127.0.0.1:${target.port ?? 27017}/admin').runCommand({ ping: 1 }).ok`], {}, /1/);
      break;
    default:
      probe = undefined;
  }
  for (;;) {
    if (!(await docker.isRunning(id, signal).catch(() => false))) {
      // A container that exited at once (wrong env for a fresh init) is not coming back.
      const info = await docker.inspect(id, signal).catch(() => undefined);
      throw new DrillContainerError(`the drill container exited (code ${info?.state.exitCode ?? '?'}) before its ${target.type} was ready; see \`docker logs\` of a manual run of the image`);
    }
    if (!probe || (await probe())) return;
    if (Date.now() > deadline) throw new DrillContainerError(`the ${target.type} in the drill container was not ready within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(500, undefined, { signal });
  }
}
