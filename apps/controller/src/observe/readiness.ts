// Readiness: can this controller do its job right now? Docker answers a ping, staging takes a write that reaches
// the disk, and (when the config asks for it) no target is stale. Each check is bounded in time.
import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface CheckResult {
  name: 'docker' | 'staging' | 'stale_targets';
  ok: boolean;
  error?: string;
}

export interface Readiness {
  ready: boolean;
  checks: CheckResult[];
}

export interface ReadinessOptions {
  /** Resolves when the engine answers (DockerClient.ping). */
  ping: (signal: AbortSignal) => Promise<void>;
  stagingPath: string;
  /** Keys of stale targets now; checked only when `staleUnready` is set. */
  staleTargets: () => readonly string[];
  staleUnready: boolean;
  timeoutMs?: number;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function withTimeout<T>(ms: number, what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new Error(`${what} did not answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([run(ac.signal), timeout]).finally(() => clearTimeout(timer));
}

/** Writes, fsyncs and removes a hidden probe file in the staging root (a full or read-only disk fails here). */
export async function probeWritable(dir: string): Promise<void> {
  const file = join(dir, `.baqup-ready-${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile('ready\n');
    await handle.sync();
  } finally {
    await handle.close();
    await unlink(file).catch(() => undefined);
  }
}

export async function checkReadiness(o: ReadinessOptions): Promise<Readiness> {
  const ms = o.timeoutMs ?? 3_000;
  const run = async (name: CheckResult['name'], f: () => Promise<void>): Promise<CheckResult> => {
    try {
      await f();
      return { name, ok: true };
    } catch (err) {
      return { name, ok: false, error: message(err) };
    }
  };
  const checks = await Promise.all([
    run('docker', () => withTimeout(ms, 'Docker engine', (signal) => o.ping(signal))),
    run('staging', () => withTimeout(ms, `staging write probe in ${o.stagingPath}`, () => probeWritable(o.stagingPath))),
  ]);
  if (o.staleUnready) {
    const stale = o.staleTargets();
    checks.push(stale.length === 0 ? { name: 'stale_targets', ok: true } : { name: 'stale_targets', ok: false, error: `stale: ${stale.join(', ')}` });
  }
  return { ready: checks.every((c) => c.ok), checks };
}
