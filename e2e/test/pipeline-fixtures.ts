// Fixtures for the pipeline e2e tests: the BUILT controller as a child process that a test may start with extra
// arguments (--dry-run), on a data directory that outlives it (SIGKILL, then start again on the same journal),
// and signal itself; readers for what it staged/uploaded; a recorder of every byte the controller said (logs, API
// answers, CLI output) so a test can assert that no password appears anywhere.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { CONTROLLER_MAIN, type LogLine } from '../src/controller-process.js';
import { repoRoot } from '../src/paths.js';
import { quietZone } from '../src/quiet-zone.js';
import { E2E_HOST } from '../src/host.js';

export const TOKEN = 'e2e-pipeline-token';
export const CLI_MAIN = join(repoRoot, 'apps/cli/dist/main.js');
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything any controller, API answer or CLI run of this file produced, for the "no password anywhere" check. */
export const said: string[] = [];

/** An API answer's parsed body; tests read it field by field and assert on what they read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = any;

export interface Ctl {
  pid: number;
  api: string;
  /** Holds config.yml and data/ (staging, remote, journal); kept until the file ends, so a restart can reuse it. */
  root: string;
  staging: string;
  /** This controller's directory on its (default, local) remote: `{data}/remote/{host}`. */
  remote: string;
  logs(): readonly LogLine[];
  output(): string;
  waitForLog(predicate: (l: LogLine) => boolean, timeoutMs: number, from?: number): Promise<LogLine>;
  /** Waits until `count` lines match (lines already captured count). */
  waitForLogs(predicate: (l: LogLine) => boolean, count: number, timeoutMs: number): Promise<LogLine[]>;
  post(path: string, body: unknown, timeoutMs?: number): Promise<{ status: number; body: Body; text: string }>;
  get(path: string): Promise<{ status: number; body: Body; text: string }>;
  /** Resolves once the process has exited. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly exited: boolean;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM and wait (SIGKILL after 15 s); never removes the data. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface CtlOptions {
  /** Reuse the root (config and data) of an earlier controller. */
  root?: string;
  config?: Record<string, unknown>;
  args?: string[];
  env?: Record<string, string>;
}

const live = new Set<Ctl>();
const roots = new Set<string>();

export async function startCtl(o: CtlOptions = {}): Promise<Ctl> {
  if (!existsSync(CONTROLLER_MAIN)) throw new Error(`${CONTROLLER_MAIN} is missing: pnpm exec turbo run build --filter=@baqup/controller...`);
  const root = o.root ?? mkdtempSync(join(tmpdir(), 'baqup-e2e-pipe-'));
  roots.add(root);
  const config = {
    api: { listen: '127.0.0.1:0', token: TOKEN },
    resync_interval: 2,
    logging: { level: 'debug', format: 'json' },
    staging: { cleanup_after_upload: false },
    ...o.config,
  };
  if (!o.root || o.config) writeFileSync(join(root, 'config.yml'), JSON.stringify(config, null, 2));
  const data = join(root, 'data');
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: quietZone(), BAQUP_DATA_DIR: data, ...o.env };
  delete env.BAQUP_CONFIG;
  const child: ChildProcess = spawn(process.execPath, [CONTROLLER_MAIN, '--config', join(root, 'config.yml'), ...(o.args ?? [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: LogLine[] = [];
  let raw = '';
  let partial = '';
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  // 'close', not 'exit': 'exit' can come while the last lines are still unread in the stdout pipe, and a test that
  // reads logs() after exit (or stop()) would miss them (the controller's final job.succeeded, controller.stopping).
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve((exitInfo = { code, signal }))));
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
    said.push(chunk);
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) {
      try {
        lines.push(JSON.parse(l) as LogLine);
      } catch {
        lines.push({ msg: l, invalid: true });
      }
    }
    wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
    said.push(chunk);
  });
  void exit.then(wake);
  const recent = () => raw.trimEnd().split('\n').slice(-20).join('\n');

  const waitForLogs = (predicate: (l: LogLine) => boolean, count: number, timeoutMs: number, from = 0): Promise<LogLine[]> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hits = lines.slice(from).filter(predicate);
        if (hits.length >= count) return done(() => resolve(hits));
        if (exitInfo) done(() => reject(new Error(`controller exited (${JSON.stringify(exitInfo)}) before the awaited log line; last output:\n${recent()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no matching log line within ${timeoutMs} ms; last output:\n${recent()}`))), timeoutMs);
      const done = (f: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        f();
      };
      waiters.add(check);
      check();
    });

  const waitForLog = async (predicate: (l: LogLine) => boolean, timeoutMs: number, from = 0) => (await waitForLogs(predicate, 1, timeoutMs, from))[0]!;

  let started: LogLine;
  try {
    started = await waitForLog((l) => l.event === 'controller.started', 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    await exit;
    throw err;
  }
  const api = String(started.api);
  const call = async (method: string, path: string, body?: unknown, timeoutMs = 120_000) => {
    const res = await fetch(`http://${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    said.push(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as Body, text };
  };
  const ctl: Ctl = {
    pid: child.pid!,
    api,
    root,
    staging: join(data, 'staging'),
    remote: join(data, 'remote', env.BAQUP_HOSTNAME ?? E2E_HOST),
    logs: () => lines,
    output: () => raw,
    waitForLog,
    waitForLogs: (predicate, count, timeoutMs) => waitForLogs(predicate, count, timeoutMs),
    post: (path, body, timeoutMs) => call('POST', path, body, timeoutMs),
    get: (path) => call('GET', path),
    exit,
    get exited() {
      return exitInfo !== undefined;
    },
    kill: (signal) => void child.kill(signal),
    async stop() {
      live.delete(ctl);
      if (!exitInfo) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 75_000);
        await exit;
        clearTimeout(t);
      }
      return exitInfo!;
    },
  };
  live.add(ctl);
  return ctl;
}

/** Controllers a test started are stopped after it; the data roots are removed when the file ends. */
export function useCtlCleanup(): void {
  let before = new Set<Ctl>();
  beforeEach(() => {
    before = new Set(live);
  });
  afterEach(async () => {
    for (const c of [...live]) if (!before.has(c)) await c.stop();
  });
  afterAll(async () => {
    for (const c of [...live]) await c.stop();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });
}

/** Waits until `/api/containers` lists `name` with `targets` targets (discovery is live and asynchronous). */
export async function waitDiscovered(ctl: Ctl, name: string, targets: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const r = await ctl.get('/api/containers');
    const c = Array.isArray(r.body) ? (r.body as { name: string; targets: unknown[]; errors: unknown[] }[]).find((x) => x.name === name) : undefined;
    if (c && c.targets.length === targets) return;
    last = JSON.stringify(c ?? null);
    await sleep(100);
  }
  throw new Error(`${name} not discovered with ${targets} targets within ${timeoutMs} ms; last: ${last}`);
}

export interface JobView {
  job_id: string;
  target: string;
  status: string;
  path?: string;
  bytes?: number;
  sha256?: string;
  error?: { code: string; message: string };
}

/** `POST /api/backups {wait:true}` for one target; returns the HTTP status and its one job. */
export async function backupNow(ctl: Ctl, container: string, target: string): Promise<{ status: number; job: JobView }> {
  const r = await ctl.post('/api/backups', { container, target, wait: true });
  const jobs = (r.body as { jobs?: JobView[] } | undefined)?.jobs;
  if (!jobs || jobs.length !== 1) throw new Error(`POST /api/backups ${container}/${target}: HTTP ${r.status}: ${r.text.slice(0, 500)}`);
  return { status: r.status, job: jobs[0]! };
}

/** The CLI's `baqup backup <container> [target]` against this controller. */
export async function cliBackup(ctl: Ctl, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI_MAIN, 'backup', ...args], { env: { ...process.env, BAQUP_API_URL: `http://${ctl.api}`, BAQUP_API_TOKEN: TOKEN }, timeout: 120_000 });
    said.push(r.stdout, r.stderr);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    said.push(e.stdout ?? '', e.stderr ?? '');
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Every file under `dir`, relative, sorted (empty when the directory does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Data files (no sidecars, no hidden partials) of one target directory. */
export function dataFiles(root: string, container: string, target: string): string[] {
  return filesUnder(join(root, container, target)).filter((f) => !f.startsWith('.') && !f.endsWith('.sha256') && !f.endsWith('.manifest.json'));
}

/** Checks a staged/uploaded file against its `.sha256` sidecar and manifest; returns the manifest. */
export function verifyStaged(file: string): { sha256: string; size: number; file: string; compression: string; type: string; databases?: string[] } {
  const bytes = readFileSync(file);
  const sum = createHash('sha256').update(bytes).digest('hex');
  const side = readFileSync(`${file}.sha256`, 'utf8');
  const base = file.split('/').pop()!;
  if (side !== `${sum}  ${base}\n`) throw new Error(`${file}.sha256 is "${side.trim()}", the file hashes to ${sum}`);
  const manifest = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8')) as ReturnType<typeof verifyStaged>;
  if (manifest.sha256 !== sum || manifest.size !== statSync(file).size || manifest.file !== base) {
    throw new Error(`${file}.manifest.json does not describe the file: ${JSON.stringify(manifest)}`);
  }
  return manifest;
}

/** The decompressed content of a staged file (`zstd -dc`, `gzip -dc`, or as is). */
export async function decompressed(file: string): Promise<Buffer> {
  const tool = file.endsWith('.zst') ? 'zstd' : file.endsWith('.gz') ? 'gzip' : undefined;
  if (!tool) return readFileSync(file);
  const r = await run(tool, ['-dc', file], { encoding: 'buffer', maxBuffer: 1 << 30 });
  return r.stdout;
}

/** Hidden partial files (interrupted writes) anywhere under `dir`. */
export function partials(dir: string): string[] {
  return filesUnder(dir).filter((f) => /(^|\/)\.[^/]*partial/.test(f));
}

export { sleep };

/** The stop journal's entries under a controller root (empty when there is no journal file). */
export function journalEntries(root: string): { containerId: string; containerName: string }[] {
  const file = join(root, 'data', 'journal.json');
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { entries?: { containerId: string; containerName: string }[] }).entries ?? [];
}
