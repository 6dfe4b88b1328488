// A lock across processes (several engineers' test runs share one engine): mkdir is atomic, the owner's pid
// inside lets a later run break a lock whose owner died.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const lockRoot = join(tmpdir(), 'baqup-e2e-locks');

function ownerAlive(dir: string): boolean {
  try {
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // No pid file yet: the owner is between mkdir and write; treat it as alive.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` holding the named lock; waits (polling) while another live process holds it. */
export async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(lockRoot, { recursive: true });
  const dir = join(lockRoot, name);
  let seenDeadSince: number | undefined;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!ownerAlive(dir)) {
        // Give a just-created lock a moment to get its pid file before breaking it.
        seenDeadSince ??= Date.now();
        if (Date.now() - seenDeadSince > 2_000) rmSync(dir, { recursive: true, force: true });
      } else seenDeadSince = undefined;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
