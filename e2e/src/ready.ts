// Readiness of the harness's server images, probed from inside the container like a healthcheck would.
// Probes go over TCP to 127.0.0.1: the images' init-time servers listen on a socket only, so a TCP answer
// means the final server is up (a socket probe could catch the init server just before it restarts).
import { docker } from './client.js';
import type { TestContainer } from './containers.js';
import { execIn } from './exec.js';

const PROBES: Record<string, string[]> = {
  postgres: ['pg_isready', '-q', '-h', '127.0.0.1', '-p', '5432'],
  // `ping` answers 0 whether or not the credentials are right, so no password is needed (none in argv).
  mariadb: ['mariadb-admin', '--protocol=tcp', '-h', '127.0.0.1', '-P', '3306', '--connect-timeout=2', 'ping'],
  redis: ['redis-cli', '-h', '127.0.0.1', 'ping'],
};

async function logsTail(c: TestContainer): Promise<string> {
  const buf = (await c.container.logs({ stdout: true, stderr: true, tail: 30 })) as unknown as Buffer;
  // Multiplexed frames: strip the 8-byte headers for a readable tail.
  const out: Buffer[] = [];
  for (let i = 0; i + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(out).toString('utf8');
}

/** Resolves once the container's server answers its probe; throws if the container exits or 90 s pass. */
export async function waitReady(c: TestContainer, timeoutMs = 90_000): Promise<void> {
  const probe = c.kind ? PROBES[c.kind] : undefined;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (await docker().getContainer(c.id).inspect()).State;
    if (!state.Running) {
      throw new Error(`e2e: ${c.name} is not running (exit ${state.ExitCode}); logs:\n${await logsTail(c)}`);
    }
    if (!probe) return;
    const r = await execIn(c, probe);
    if (r.exitCode === 0 && (c.kind !== 'redis' || r.stdout.includes('PONG'))) return;
    if (Date.now() > deadline) {
      throw new Error(`e2e: ${c.name} (${c.kind}) not ready after ${timeoutMs / 1000} s; logs:\n${await logsTail(c)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
