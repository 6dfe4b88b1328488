// The API's shapes as the dashboard reads them, and the pure functions that turn them into what the views show:
// one row per target, the counts, the verdict.
//
// The server's own types, imported as types only (erased at build: no server code in the bundle), so these shapes
// cannot drift from what the controller answers. The history's records carry epoch milliseconds; its routes answer
// them as ISO strings (withIsoTimes in the controller), which OverHttp says. The controller's own answers (status,
// jobs) are declared here: the controller depends on this package, so this one cannot import from it.
import type { LabelError } from '@baqup/core';
import type { DaySummary, RunRecord as HistoryRun, TargetSummary as HistoryTargetSummary } from '@baqup/history';
import type { ContainerView, TargetView } from '@baqup/state';

export type { ContainerView, DaySummary, LabelError, TargetView };

/** The history's time fields (the controller's TIME_FIELDS), answered as ISO 8601 strings. */
type TimeField = 'queued_at' | 'started_at' | 'finished_at' | 'at' | 'last_run_at' | 'last_success_at' | 'first_run_at';
/** A history record as its route answers it: epoch-millisecond fields as ISO strings. */
export type OverHttp<T> = { [K in keyof T]: K extends TimeField ? Exclude<T[K], number> | (number extends T[K] ? string : never) : T[K] };

/** One entry of GET /api/history/targets. */
export type TargetSummary = OverHttp<HistoryTargetSummary>;
/** One entry of GET /api/runs. */
export type RunRecord = OverHttp<HistoryRun>;

export interface StatusView {
  docker: { connected: boolean; address: string; lastError?: string };
  containers: number;
  targets: number;
  queue: { running: string[]; queued: string[] };
  halted?: string;
  held?: Array<{ id: string; name: string; status: string; since: string }>;
}

/** One entry of GET /api/jobs (the controller's JobRecordView). */
export interface JobView {
  job_id: string;
  target: string;
  trigger: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
  queued_at: string;
  started_at?: string;
  finished_at?: string;
  bytes?: number;
  expected_bytes?: number;
  duration_seconds?: number;
  message?: string;
  error?: { code: string; message: string };
}

export type Health = 'ok' | 'overdue' | 'failing' | 'pending';

export interface TargetRow {
  key: string;
  container: string;
  target: string;
  engine: string;
  schedule: string;
  cron?: string;
  health: Health;
  running: boolean;
  queued: boolean;
  /** A successful verification or drill is on record. */
  verified: boolean;
  nextRun?: string;
  lastRun?: string;
  lastSuccess?: string;
  lastError?: string;
  lastBytes?: number;
  lastDurationMs?: number;
}

export function health(status: TargetView['status']): Health {
  return status === 'healthy' ? 'ok' : status === 'warning' ? 'overdue' : status === 'error' ? 'failing' : 'pending';
}

/** One row per target, sorted worst first then by key. `verified` holds the keys (container/target) proven restorable. */
export function targetRows(containers: readonly ContainerView[], status: StatusView | undefined, summaries: readonly TargetSummary[] = [], verified: ReadonlySet<string> = new Set()): TargetRow[] {
  const running = new Set(status?.queue.running ?? []);
  const queued = new Set(status?.queue.queued ?? []);
  const byKey = new Map(summaries.map((s) => [`${s.container}/${s.target}`, s]));
  const rows: TargetRow[] = [];
  for (const c of containers) {
    for (const t of c.targets) {
      const s = byKey.get(t.key);
      rows.push({
        key: t.key,
        container: c.name,
        target: `${t.type}-${t.instance}`,
        engine: t.type,
        schedule: t.schedule,
        ...(t.cron ? { cron: t.cron } : {}),
        health: health(t.status),
        running: running.has(t.key),
        queued: queued.has(t.key),
        verified: verified.has(t.key),
        ...(t.nextRun ? { nextRun: t.nextRun } : {}),
        ...(t.lastRun ? { lastRun: t.lastRun } : {}),
        ...(t.lastSuccess ?? s?.last_success_at ? { lastSuccess: t.lastSuccess ?? s?.last_success_at } : {}),
        ...(t.lastError ? { lastError: t.lastError } : {}),
        ...(s?.last_success_stored_bytes !== undefined ? { lastBytes: s.last_success_stored_bytes } : {}),
        ...(s?.last_duration_ms !== undefined ? { lastDurationMs: s.last_duration_ms } : {}),
      });
    }
  }
  const rank: Record<Health, number> = { failing: 0, overdue: 1, pending: 2, ok: 3 };
  return rows.sort((a, b) => rank[a.health] - rank[b.health] || a.key.localeCompare(b.key));
}

export interface Counts {
  targets: number;
  ok: number;
  overdue: number;
  failing: number;
  /** Not yet proven restorable: no successful verification or drill on record. */
  unverified: number;
  /** No successful backup yet. */
  pending: number;
  running: number;
  labelProblems: number;
}

export function counts(rows: readonly TargetRow[], containers: readonly ContainerView[]): Counts {
  const n = (f: (r: TargetRow) => boolean) => rows.filter(f).length;
  return {
    targets: rows.length,
    ok: n((r) => r.health === 'ok'),
    overdue: n((r) => r.health === 'overdue'),
    failing: n((r) => r.health === 'failing'),
    unverified: n((r) => !r.verified),
    pending: n((r) => r.health === 'pending'),
    running: n((r) => r.running),
    labelProblems: containers.reduce((sum, c) => sum + c.errors.length, 0),
  };
}

export interface Verdict {
  ok: boolean;
  /** Targets failing or overdue, plus containers whose labels have problems. */
  attention: number;
  text: string;
}

export function verdict(c: Counts, containers: readonly ContainerView[]): Verdict {
  const badContainers = containers.filter((x) => x.errors.length > 0).length;
  const attention = c.failing + c.overdue + badContainers;
  if (c.targets === 0 && badContainers === 0) return { ok: false, attention: 0, text: 'Nothing to protect yet: no container has backup.* labels' };
  if (attention === 0) return { ok: true, attention, text: c.pending > 0 ? `All protected · ${c.pending} waiting for a first backup` : 'All protected' };
  return { ok: false, attention, text: `${attention} need${attention === 1 ? 's' : ''} attention` };
}

/** Keys (`container/target`) with a successful verification or drill among the history's records. */
export function verifiedKeys(records: ReadonlyArray<{ container?: unknown; target?: unknown; success?: unknown }>): Set<string> {
  const out = new Set<string>();
  for (const r of records) if ((r.success === true || r.success === 1) && typeof r.container === 'string' && typeof r.target === 'string') out.add(`${r.container}/${r.target}`);
  return out;
}

/** One entry of GET /api/unprotected. */
export interface UnprotectedContainer {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  targets: Array<{ type: string; instance: string; reason: string }>;
  notes: string[];
}

/** One entry of GET /api/backups. */
export interface BackupEntry {
  container: string;
  target: string;
  timestamp: string;
  date: string;
  file: string;
  compression: string;
  size?: number;
  location: 'local' | 'remote' | 'both' | 'restic';
  sha256?: string;
  trigger?: string;
  complete?: boolean;
  uploaded?: boolean;
  remote_path?: string;
  snapshot?: string;
}


/** What POST /api/restores answers (a dry run or the restore). */
export interface RestoreReport {
  dryRun: boolean;
  container: string;
  target: string;
  timestamp: string;
  file: string;
  size?: number;
  side: string;
  into: string;
  configFrom?: string;
  steps: string[];
  notes: string[];
  checksum?: string;
  content?: string;
  done: string[];
  safety?: { taken: true; timestamp: string; rollback: string } | { taken: false; why: string };
  created?: { name: string; id: string };
  durationMs: number;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Which values are far from the usual: more than twice, or less than half, the median of all of them. With fewer
 * than 3 values there is no usual yet, so none is marked.
 */
export function farFromUsual(values: readonly number[]): boolean[] {
  const m = median(values);
  if (values.length < 3 || m === undefined || m <= 0) return values.map(() => false);
  return values.map((v) => v > 2 * m || v < m / 2);
}

/** A nested config as `a.b.c` → value rows, arrays and scalars as leaves, in the config's order. */
export function flatten(value: unknown, prefix = ''): Array<[string, string]> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [[prefix, '{}']];
    return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(value)) return [[prefix, value.length === 0 ? '[]' : value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')]];
  return [[prefix, value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)]];
}

/** The wizard's confirmation: the destination container's name typed exactly. */
export const confirmed = (typed: string, destination: string): boolean => typed.trim() === destination && destination.length > 0;
