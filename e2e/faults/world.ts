// What the fault suite measures, read from the world and not from log lines: Docker says whether a container runs,
// the staging and remote directories say which backups exist (and whether a partial or unverifiable file is
// visible), and a controller is alive when its process exists AND it answers /healthz.
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { docker } from '../src/client.js';
import { dataFiles, filesUnder, partials, verifyStaged, type Body, type Ctl } from '../test/pipeline-fixtures.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One trial of one fault, as the world was once the fault was over and the recovery window had passed. */
export interface Trial {
  /** Containers baqup stopped (or that should run) that Docker does not report running. */
  leftDown: number;
  /** Earlier verified backups gone or damaged, an interrupted backup lost where the target promises it is kept, plus partial or unverifiable files visible. */
  lost: number;
  /** Controllers that exited without being asked to, or stopped answering /healthz. */
  crashes: number;
  /** From the fault (or its end) to the world being right again; undefined when it never was within the window. */
  recoverMs: number | undefined;
  /** Row-specific failures (each makes the trial fail) and notes; the first ones go into the table. */
  failures: string[];
  notes: string[];
}

export function newTrial(): Trial {
  return { leftDown: 0, lost: 0, crashes: 0, recoverMs: undefined, failures: [], notes: [] };
}

export const passed = (t: Trial): boolean => t.leftDown === 0 && t.lost === 0 && t.crashes === 0 && t.failures.length === 0;

/**
 * Through the list API, answered from the engine's memory: an inspect waits for a container's archive stream, and
 * after a SIGKILL mid cold copy that wait was seen to outlast the 8 min trial deadline (the sigkill row "hung").
 */
export async function isRunning(id: string, d: Docker = docker()): Promise<boolean> {
  try {
    return (await d.listContainers({ all: true, filters: { id: [id] } }))[0]?.State === 'running';
  } catch {
    return false;
  }
}

/** Polls `check` every 100 ms until it holds; returns the ms it took, or undefined after `timeoutMs`. */
export async function within(timeoutMs: number, check: () => Promise<boolean> | boolean, from = Date.now()): Promise<number | undefined> {
  const deadline = from + timeoutMs;
  for (;;) {
    if (await check()) return Date.now() - from;
    if (Date.now() >= deadline) return undefined;
    await sleep(100);
  }
}

/**
 * One HTTP request on its own connection (no pool), destroyed after `timeoutMs` whatever state it is in; never
 * rejects. (fetch was seen to hang past its AbortSignal against a controller whose event loop spun at 100 %.)
 */
export function http(api: string, method: string, path: string, opts: { body?: unknown; token?: string; timeoutMs: number }): Promise<{ status: number; body: Body; text: string } | Error> {
  return new Promise((resolve) => {
    const i = api.lastIndexOf(':');
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    let settled = false;
    const finish = (v: { status: number; body: Body; text: string } | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(v);
    };
    const req = httpRequest(
      {
        host: api.slice(0, i),
        port: Number(api.slice(i + 1)),
        method,
        path,
        agent: false,
        headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('error', (e) => finish(e));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          finish({ status: res.statusCode ?? 0, body, text });
        });
      },
    );
    const timer = setTimeout(() => finish(new Error(`${method} ${path}: no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.on('error', (e) => finish(e));
    req.end(payload);
  });
}

/** The controller answers /healthz within `timeoutMs`. */
export async function answers(api: string, timeoutMs = 3_000): Promise<boolean> {
  const r = await http(api, 'GET', '/healthz', { timeoutMs });
  return !(r instanceof Error) && r.status === 200;
}

/** Alive = the process has not exited and answers /healthz (a hung process counts as crashed). */
export async function alive(ctl: Ctl): Promise<boolean> {
  return !ctl.exited && (await answers(ctl.api));
}

/** Verified backups (data file whose .sha256 and manifest match) of one target under `root`. */
export function verified(root: string, container: string, target: string): string[] {
  return dataFiles(root, container, target).filter((f) => {
    try {
      verifyStaged(join(root, container, target, f));
      return true;
    } catch {
      return false;
    }
  });
}

/** Partial files, and data files that do not verify, anywhere under `roots` (what a user could mistake for a backup). */
export function badFiles(...roots: string[]): string[] {
  const out: string[] = [];
  for (const root of roots) {
    out.push(...partials(root).map((p) => `${root}/${p} (partial)`));
    for (const f of filesUnder(root)) {
      const base = f.split('/').pop()!;
      if (base.startsWith('.') || f.endsWith('.sha256') || f.endsWith('.manifest.json')) continue;
      if (f.split('/').length < 3) continue; // not in <container>/<target>/ (the journal, lock files, …)
      try {
        verifyStaged(join(root, f));
      } catch (err) {
        out.push(`${root}/${f} (${(err as Error).message.slice(0, 80)})`);
      }
    }
  }
  return out;
}

/** Counts what is lost: `expected` files that no longer verify under `root`, and bad files under `roots`. */
export function countLost(t: Trial, root: string, container: string, target: string, expected: string[], roots: string[]): void {
  const have = new Set(verified(root, container, target));
  for (const f of expected) {
    if (!have.has(f)) {
      t.lost += 1;
      t.failures.push(`backup ${container}/${target}/${f} lost`);
    }
  }
  const bad = badFiles(...roots);
  t.lost += bad.length;
  if (bad.length) t.failures.push(`visible: ${bad.slice(0, 2).join(', ')}`);
}

/** A sized tmpfs the test mounts itself (we are root): a filesystem that really fills up. */
export function smallFs(sizeMiB: number): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), 'baqup-fault-fs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'tmpfs', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount tmpfs at ${path} failed (root needed): ${r.stderr}`);
  return {
    path,
    dispose() {
      spawnSync('umount', ['-l', path], { stdio: 'ignore' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** Deterministic PRNG (mulberry32) so a fuzz trial can be replayed from its seed. */
export function prng(seed: number): { next(): number; int(n: number): number; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)]! };
}
