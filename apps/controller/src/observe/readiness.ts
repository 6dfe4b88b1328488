// Readiness: can this controller do its job right now? Docker answers a ping, staging takes a write that reaches
// the disk, jobs are not halted (a full staging disk), and (when the config asks for it) no target is stale. Each
// check is bounded in time. A probe endpoint is polled by anyone who can reach it, so a request itself writes
// nothing: the staging write probe is cached (see cachedWriteProbe), each request only checks the directory is
// there and writable, and concurrent requests share one round of checks.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface CheckResult {
  name: 'docker' | 'staging' | 'jobs' | 'stale_targets';
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
  /** Why new jobs are held back now (staging full), or undefined; a halt makes the controller not ready. */
  halted?: () => string | undefined;
  /** The staging write check; default a fresh probeWritable per call (readinessChecker passes a cached one). */
  stagingProbe?: (dir: string) => Promise<void>;
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
    run('staging', () => withTimeout(ms, `staging write probe in ${o.stagingPath}`, () => (o.stagingProbe ?? probeWritable)(o.stagingPath))),
  ]);
  const halt = o.halted?.();
  if (halt) checks.push({ name: 'jobs', ok: false, error: halt });
  if (o.staleUnready) {
    const stale = o.staleTargets();
    checks.push(stale.length === 0 ? { name: 'stale_targets', ok: true } : { name: 'stale_targets', ok: false, error: `stale: ${stale.join(', ')}` });
  }
  return { ready: checks.every((c) => c.ok), checks };
}

export interface CachedProbeOptions {
  /** How long a successful write probe stands; default 30 s. */
  okMs?: number;
  /** How long a failed one stands before the next write; default 1 s. */
  failMs?: number;
  now?: () => number;
  /** The real write (default probeWritable), injectable so a test can count writes. */
  write?: (dir: string) => Promise<void>;
}

/**
 * A staging check that writes at most once per `okMs` (once per `failMs` while failing). Every call still checks,
 * without writing, that the directory exists and is writable, so a directory that disappears fails at once.
 */
export function cachedWriteProbe(o: CachedProbeOptions = {}): (dir: string) => Promise<void> {
  const okMs = o.okMs ?? 30_000;
  const failMs = o.failMs ?? 1_000;
  const now = o.now ?? Date.now;
  const write = o.write ?? probeWritable;
  let last: { at: number; error?: unknown } | undefined;
  let inFlight: Promise<void> | undefined;
  return async (dir) => {
    await access(dir, constants.W_OK);
    const fresh = last && now() - last.at < (last.error === undefined ? okMs : failMs);
    if (!fresh) {
      inFlight ??= write(dir).then(
        () => void (last = { at: now() }),
        (error: unknown) => void (last = { at: now(), error }),
      ).finally(() => (inFlight = undefined));
      await inFlight;
    }
    if (last?.error !== undefined) throw last.error;
  };
}

/** checkReadiness with the cached write probe, and one round of checks shared by concurrent callers. */
export function readinessChecker(o: ReadinessOptions & { probe?: CachedProbeOptions }): () => Promise<Readiness> {
  const stagingProbe = o.stagingProbe ?? cachedWriteProbe(o.probe);
  let current: Promise<Readiness> | undefined;
  return () => (current ??= checkReadiness({ ...o, stagingProbe }).finally(() => (current = undefined)));
}
