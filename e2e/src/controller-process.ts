// The BUILT controller (apps/controller/dist/main.js) as a real child process: temp data dir, temp config, every
// stdout line captured and parsed as JSON (a line that is not JSON fails the test on stop()), the API address read
// from the `controller.started` line (it listens on port 0).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { repoRoot } from './paths.js';
import { quietZone } from './quiet-zone.js';

/** BAQUP_E2E_CONTROLLER_MAIN points the tests at another build (e.g. a patched copy), default the workspace's. */
export const CONTROLLER_MAIN = process.env.BAQUP_E2E_CONTROLLER_MAIN ?? join(repoRoot, 'apps/controller/dist/main.js');

export interface LogLine {
  time?: string;
  level?: string;
  msg?: string;
  event?: string;
  [field: string]: unknown;
}

/** The shape of one entry of `GET /api/containers` (see packages/state views.ts). */
export interface ContainerEntry {
  id: string;
  name: string;
  image: string;
  stop: boolean;
  targets: Array<{ key: string; type: string; instance: string; schedule: string; databases?: unknown; path?: string; [k: string]: unknown }>;
  errors: Array<{ label: string; value: string; message: string; expected?: string; suggestion?: string }>;
}

export interface ControllerStartOptions {
  /** DOCKER_HOST for the controller; default: inherited (the engine under test). */
  dockerHost?: string;
  /** Seconds between full re-lists (config `resync_interval`); default 2. */
  resyncInterval?: number;
  /** Extra top-level config keys, merged over the defaults written here. */
  config?: Record<string, unknown>;
  /** Extra environment for the child. */
  env?: Record<string, string>;
  /** How long to wait for `controller.started`; default 15 s. */
  startTimeoutMs?: number;
}

export interface ControllerProcess {
  pid: number;
  /** `127.0.0.1:PORT` as the controller logged it. */
  api: string;
  dataDir: string;
  /** Every stdout line parsed, in order. */
  logs(): readonly LogLine[];
  /** Everything the process wrote (stdout and stderr), raw: for "no secret anywhere" assertions. */
  output(): string;
  /** Lines of stdout that were not a JSON object (stop() fails when there are any). */
  invalidLines(): readonly string[];
  request(path: string): Promise<{ status: number; text: string; body: unknown }>;
  /** GET and parse; throws on a non-2xx status. */
  getJson<T = unknown>(path: string): Promise<T>;
  containers(): Promise<ContainerEntry[]>;
  /** Polls `/api/containers` until `predicate` holds; throws after `timeoutMs` with the last view and recent logs. */
  waitFor(predicate: (list: ContainerEntry[]) => boolean, timeoutMs: number): Promise<ContainerEntry[]>;
  /** Waits for a log line matching `predicate` (lines already captured count). */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** SIGTERM, wait for exit (SIGKILL after 10 s); removes the temp dir; throws when stdout had non-JSON lines. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly exited: boolean;
}

const running = new Set<ControllerProcess>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startControllerProcess(opts: ControllerStartOptions = {}): Promise<ControllerProcess> {
  if (!existsSync(CONTROLLER_MAIN)) {
    throw new Error(`e2e: ${CONTROLLER_MAIN} is missing; build first: pnpm exec turbo run build --filter=@baqup/controller...`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'baqup-e2e-ctl-'));
  const configFile = join(dataDir, 'config.yml');
  const config = {
    api: { listen: '127.0.0.1:0' },
    resync_interval: opts.resyncInterval ?? 2,
    logging: { level: 'debug', format: 'json' },
    ...opts.config,
  };
  // JSON is YAML: no YAML dependency needed to write the file.
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: quietZone(), BAQUP_DATA_DIR: join(dataDir, 'data'), ...opts.env };
  delete env.BAQUP_CONFIG;
  if (opts.dockerHost !== undefined) env.DOCKER_HOST = opts.dockerHost;

  const child: ChildProcess = spawn(process.execPath, [CONTROLLER_MAIN, '--config', configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: LogLine[] = [];
  const invalid: string[] = [];
  let raw = '';
  let partial = '';
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  // 'close', not 'exit': 'exit' can come while the last lines are still unread in the stdout pipe; logs() read
  // after stop() must hold everything the process wrote.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve((exitInfo = { code, signal }))),
  );
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) {
      if (l.trim() === '') continue;
      try {
        const parsed: unknown = JSON.parse(l);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) invalid.push(l);
        else lines.push(parsed as LogLine);
      } catch {
        invalid.push(l);
      }
    }
    for (const w of waiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));

  const recent = (n = 15) => `last output:\n${raw.trimEnd().split('\n').slice(-n).join('\n')}`;

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = lines.find(predicate);
        if (hit) return done(() => resolve(hit));
        if (exitInfo) return done(() => reject(new Error(`controller exited (${JSON.stringify(exitInfo)}) before the awaited log line; ${recent()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no matching controller log line within ${timeoutMs} ms; ${recent()}`))), timeoutMs);
      const done = (f: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        f();
      };
      waiters.add(check);
      void exited.then(check);
      check();
    });

  let started: LogLine;
  try {
    started = await waitForLog((l) => l.event === 'controller.started', opts.startTimeoutMs ?? 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const api = String(started.api);
  const base = `http://${api}`;

  const request = async (path: string) => {
    const res = await fetch(base + path, { signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, text, body };
  };
  const getJson = async <T>(path: string): Promise<T> => {
    const r = await request(path);
    if (r.status < 200 || r.status > 299) throw new Error(`GET ${path}: HTTP ${r.status}: ${r.text.slice(0, 300)}`);
    if (r.body === undefined) throw new Error(`GET ${path}: not JSON: ${r.text.slice(0, 300)}`);
    return r.body as T;
  };

  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  const handle: ControllerProcess = {
    pid: child.pid!,
    api,
    dataDir,
    logs: () => lines,
    output: () => raw,
    invalidLines: () => invalid,
    request,
    getJson,
    containers: () => getJson<ContainerEntry[]>('/api/containers'),
    async waitFor(predicate, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last: ContainerEntry[] | string = 'no answer yet';
      for (;;) {
        try {
          const list = await getJson<ContainerEntry[]>('/api/containers');
          if (predicate(list)) return list;
          last = list;
        } catch (err) {
          last = String(err);
        }
        if (exitInfo) throw new Error(`controller exited (${JSON.stringify(exitInfo)}); ${recent()}`);
        if (Date.now() >= deadline) {
          const view = typeof last === 'string' ? last : JSON.stringify(last.map((c) => ({ name: c.name, id: c.id.slice(0, 12) })));
          throw new Error(`/api/containers did not match within ${timeoutMs} ms; last view: ${view}; ${recent()}`);
        }
        await sleep(25);
      }
    },
    waitForLog,
    stop() {
      return (stopping ??= (async () => {
        running.delete(handle);
        if (!exitInfo) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 75_000);
          await exited;
          clearTimeout(t);
        }
        rmSync(dataDir, { recursive: true, force: true });
        if (invalid.length > 0) throw new Error(`controller wrote ${invalid.length} stdout line(s) that are not JSON objects:\n${invalid.slice(0, 5).join('\n')}`);
        return exitInfo!;
      })());
    },
    get exited() {
      return exitInfo !== undefined;
    },
  };
  running.add(handle);
  return handle;
}

/** Stops every controller still running (a test that threw before its own stop()). */
export async function stopAllControllers(): Promise<void> {
  const errors: unknown[] = [];
  for (const c of [...running]) await c.stop().catch((e: unknown) => errors.push(e));
  if (errors.length) throw errors[0];
}

/** Call at the top of a test file: controllers a test started are stopped after it, even when it failed. */
export function useControllerCleanup(): void {
  let before = new Set<ControllerProcess>();
  beforeEach(() => {
    before = new Set(running);
  });
  afterEach(async () => {
    for (const c of [...running]) if (!before.has(c)) await c.stop();
  });
  afterAll(stopAllControllers);
}
