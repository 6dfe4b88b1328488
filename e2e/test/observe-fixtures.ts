// Fixtures for the observability e2e tests: a strict Prometheus text-format (0.0.4) parser, a check that every log
// line of a controller run is well-formed and secret-free, the built CLI as a child process, and POST /api/backups.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ControllerProcess } from '../src/controller-process.js';
import { repoRoot } from '../src/paths.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}
export interface MetricFamily {
  name: string;
  type: string;
  help?: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: bad value "${text}"`);
  return Number(text);
}

/** Reads `{a="x",b="y\"z"}` starting at `s[i] === '{'`; returns the labels and the index after `}`. */
function parseLabels(s: string, i: number, line: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  i++;
  while (s[i] !== '}') {
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without "="`);
    const name = s.slice(i, eq);
    if (!LABEL.test(name)) throw new Error(`line ${line}: bad label name "${name}"`);
    if (name in labels) throw new Error(`line ${line}: label "${name}" twice`);
    if (s[eq + 1] !== '"') throw new Error(`line ${line}: label value of "${name}" is not quoted`);
    let v = '';
    let j = eq + 2;
    for (;;) {
      const ch = s[j];
      if (ch === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (ch === '"') break;
      if (ch === '\n') throw new Error(`line ${line}: raw newline in label value`);
      if (ch === '\\') {
        const next = s[j + 1];
        if (next === '\\') v += '\\';
        else if (next === '"') v += '"';
        else if (next === 'n') v += '\n';
        else throw new Error(`line ${line}: bad escape \\${next ?? ''} in label value`);
        j += 2;
        continue;
      }
      v += ch;
      j++;
    }
    labels[name] = v;
    i = j + 1;
    if (s[i] === ',') i++;
    else if (s[i] !== '}') throw new Error(`line ${line}: expected "," or "}" after label "${name}"`);
  }
  return { labels, end: i + 1 };
}

/**
 * Strict: every sample belongs to a family declared by a preceding `# TYPE`, families are contiguous and declared
 * once, no series repeats, no blank line, the text ends with a newline. A histogram's `_bucket`/`_sum`/`_count` samples
 * must follow its TYPE and are returned as families of those names.
 */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, MetricFamily>();
  const seen = new Set<string>();
  const partOf = new Map<string, MetricFamily>();
  let current: MetricFamily | undefined;
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((raw, idx) => {
    const n = idx + 1;
    if (raw === '') throw new Error(`line ${n}: blank line`);
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, 'HELP' | 'TYPE', string, string];
      if (!NAME.test(name)) throw new Error(`line ${n}: bad metric name "${name}"`);
      if (kind === 'TYPE') {
        if (families.has(name) && families.get(name)!.samples.length > 0) throw new Error(`line ${n}: TYPE for ${name} after its samples`);
        if (!TYPES.has(rest)) throw new Error(`line ${n}: unknown type "${rest}"`);
        const f = families.get(name) ?? { name, type: rest, samples: [] };
        if (families.has(name) && families.get(name)!.type !== 'untyped') throw new Error(`line ${n}: second TYPE for ${name}`);
        f.type = rest;
        families.set(name, f);
        current = f;
      } else {
        const f = families.get(name) ?? { name, type: 'untyped', samples: [] };
        if (f.help !== undefined) throw new Error(`line ${n}: second HELP for ${name}`);
        f.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
        families.set(name, f);
        current = f;
      }
      return;
    }
    const nameEnd = raw.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`line ${n}: not a sample: ${raw}`);
    const name = raw.slice(0, nameEnd);
    if (!NAME.test(name)) throw new Error(`line ${n}: bad metric name "${name}"`);
    let labels: Record<string, string> = {};
    let i = nameEnd;
    if (raw[i] === '{') ({ labels, end: i } = parseLabels(raw, i, n));
    if (raw[i] !== ' ') throw new Error(`line ${n}: expected a space before the value`);
    const parts = raw.slice(i + 1).split(' ');
    if (parts.length > 2 || (parts[1] !== undefined && !/^-?\d+$/.test(parts[1]))) throw new Error(`line ${n}: bad value/timestamp "${raw.slice(i + 1)}"`);
    // A histogram's `_bucket`, `_sum` and `_count` (a summary's `_sum`, `_count`) belong to its TYPE block; each is
    // kept as a family of its own name (type `histogram` / `summary`) so sampleOf can read it.
    const parts_ = current && (current.type === 'histogram' || current.type === 'summary') ? /^(.*)_(bucket|sum|count)$/.exec(name) : null;
    let family = families.get(name);
    if (!family && parts_ && parts_[1] === current!.name && (parts_[2] !== 'bucket' || current!.type === 'histogram')) {
      family = { name, type: current!.type, samples: [] };
      families.set(name, family);
      partOf.set(name, current!);
    }
    if (!family || (family !== current && partOf.get(name) !== current)) throw new Error(`line ${n}: sample of ${name} outside its TYPE block`);
    const id = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(id)) throw new Error(`line ${n}: duplicate series ${raw}`);
    seen.add(id);
    family.samples.push({ labels, value: parseValue(parts[0]!, n) });
  });
  return families;
}

/** The single sample of `name` whose labels include `labels`; fails the test when there is none or several. */
export function sampleOf(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number {
  const f = families.get(name);
  expect(f, `metric ${name} present`).toBeDefined();
  const hits = f!.samples.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(hits, `${name}${JSON.stringify(labels)}: one sample`).toHaveLength(1);
  return hits[0]!.value;
}

const LEVELS = new Set(['error', 'warn', 'info', 'debug']);
const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Every stdout line is a JSON object with `time`, `level`, `msg` first-class; no secret appears anywhere in the output. */
export function expectCleanLogs(ctl: ControllerProcess, secrets: readonly string[]): void {
  expect(ctl.invalidLines()).toEqual([]);
  const lines = ctl.logs();
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const ok = typeof line.time === 'string' && RFC3339_MS.test(line.time) && typeof line.level === 'string' && LEVELS.has(line.level) && typeof line.msg === 'string' && line.msg.length > 0;
    if (!ok) throw new Error(`log line without valid time/level/msg: ${JSON.stringify(line)}`);
    expect(Object.keys(line).slice(0, 3)).toEqual(['time', 'level', 'msg']);
  }
  const out = ctl.output();
  for (const s of secrets) {
    expect(s.length).toBeGreaterThan(5);
    if (out.includes(s)) throw new Error(`a secret (${s.slice(0, 3)}…) appears in the controller output`);
    if (out.includes(encodeURIComponent(s))) throw new Error(`a URL-encoded secret (${s.slice(0, 3)}…) appears in the controller output`);
  }
}

const CLI = join(repoRoot, 'apps/cli/dist/main.js');

/** The built `baqup` CLI; BAQUP_CONFIG is dropped so only `env` decides. */
export function baqupCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing; build first: pnpm exec turbo run build --filter=@baqup/cli...`);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.BAQUP_CONFIG;
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: childEnv, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface JobView {
  job_id: string;
  target: string;
  status: string;
  bytes?: number;
  path?: string;
  duration_seconds?: number;
  error?: { code: string; message: string };
}

/** POST /api/backups with wait: the jobs' outcomes. */
export async function backupNow(ctl: ControllerProcess, token: string, container: string, target?: string): Promise<{ status: number; jobs: JobView[] }> {
  const res = await fetch(`http://${ctl.api}/api/backups`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ container, ...(target ? { target } : {}), wait: true }),
    signal: AbortSignal.timeout(120_000),
  });
  const body = (await res.json()) as { jobs?: JobView[]; error?: string };
  if (!body.jobs) throw new Error(`POST /api/backups: HTTP ${res.status}: ${body.error ?? ''}`);
  return { status: res.status, jobs: body.jobs };
}
