// The history: records queue in memory and are written in one transaction a batch, on the next turn of the event
// loop, so neither the pipeline nor the events handler ever waits for the disk. Reads are synchronous and indexed.
import type { Database, Statement } from 'better-sqlite3';
import { HistoryWriteError, errorMessage, type Logger } from '@baqup/core';
import { openDatabase } from './open-database.js';
import type { DaySummary, DiscoveryRecord, DrillRecord, DrillTargetSummary, NotificationRecord, RestoreRecord, RunPage, RunQuery, RunRecord, SeriesPoint, TargetSummary, VerificationRecord } from './records.js';

export interface HistoryOptions {
  /** The database file, `<data_dir>/baqup.db`. */
  path: string;
  logger: Logger;
  /** Rows older than this many days are deleted by `prune()` (config `history.retention_days`). */
  retentionDays: number;
  now?: () => Date;
  /**
   * Move a damaged file aside and start a fresh one (default). The CLI passes false: only the controller repairs;
   * a command that finds the file damaged throws and records nothing.
   */
  repair?: boolean;
}

type Row = Record<string, string | number | null>;
type Pending = { table: Table; row: Row };
export type Table = 'runs' | 'restores' | 'drills' | 'verifications' | 'notifications' | 'discovery_events';

const DAY_MS = 86_400_000;
const bool = (b: boolean): number => (b ? 1 : 0);
const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
/** undefined → NULL, the rest as it is: better-sqlite3 binds named parameters and refuses missing ones. */
function row(fields: Record<string, string | number | boolean | null | undefined>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v === undefined ? null : typeof v === 'boolean' ? bool(v) : v;
  return out;
}

function runFromRow(r: Row): RunRecord {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== null) out[k] = v;
  out.success = r.success === 1;
  return out as unknown as RunRecord;
}

const COLUMNS: Record<Table, readonly string[]> = {
  runs: ['id', 'container', 'target', 'schedule', 'trigger', 'queued_at', 'started_at', 'finished_at', 'success', 'raw_bytes', 'stored_bytes', 'sha256', 'file', 'location', 'upload', 'error_code', 'error_message', 'duration_ms'],
  restores: ['container', 'target', 'backup', 'source', 'into_container', 'started_at', 'finished_at', 'success', 'safety_copy', 'error_code', 'error_message'],
  drills: ['container', 'target', 'backup', 'source', 'started_at', 'finished_at', 'success', 'fetch_ms', 'restore_ms', 'bytes', 'detail', 'error_code', 'error_message'],
  verifications: ['container', 'target', 'backup', 'source', 'at', 'success', 'checksum', 'content', 'error_code', 'error_message'],
  notifications: ['at', 'channel', 'kind', 'container', 'target', 'delivered', 'error'],
  discovery_events: ['at', 'container_id', 'container', 'action', 'detail'],
};

/** The time column retention prunes by, per table. */
const TIME_COLUMN: Record<Table, string> = { runs: 'finished_at', restores: 'finished_at', drills: 'finished_at', verifications: 'at', notifications: 'at', discovery_events: 'at' };

export class History {
  readonly movedAside: string | undefined;
  /** The file was created by this open (new, or replacing a damaged one): what staging and the remote hold is not in it yet. */
  readonly fresh: boolean;
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #retentionDays: number;
  readonly #now: () => Date;
  readonly #insert: Record<Table, Statement>;
  readonly #adopt: Statement;
  #queue: Pending[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  #closed = false;

  constructor(options: HistoryOptions) {
    this.#logger = options.logger;
    this.#retentionDays = options.retentionDays;
    this.#now = options.now ?? (() => new Date());
    const opened = openDatabase(options.path, options.logger, this.#now, options.repair ?? true);
    this.#db = opened.db;
    this.movedAside = opened.movedAside;
    this.fresh = opened.fresh;
    const insert = (table: Table, verb = 'INSERT') => {
      const cols = COLUMNS[table];
      return this.#db.prepare(`${verb} INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
    };
    // A job id is recorded once; a later record of the same id (its upload finished) replaces the first.
    this.#insert = { runs: insert('runs', 'INSERT OR REPLACE'), restores: insert('restores'), drills: insert('drills'), verifications: insert('verifications'), notifications: insert('notifications'), discovery_events: insert('discovery_events') };
    this.#adopt = insert('runs', 'INSERT OR IGNORE');
  }

  recordRun(r: RunRecord): void {
    this.#enqueue('runs', row({ ...r, queued_at: r.queued_at, started_at: r.started_at }));
  }
  recordRestore(r: RestoreRecord): void {
    this.#enqueue('restores', row({ ...r }));
  }
  recordDrill(r: DrillRecord): void {
    this.#enqueue('drills', row({ ...r, detail: json(r.detail) }));
  }
  recordVerification(r: VerificationRecord): void {
    this.#enqueue('verifications', row({ ...r }));
  }
  recordNotification(r: NotificationRecord): void {
    this.#enqueue('notifications', row({ ...r }));
  }
  recordDiscovery(r: DiscoveryRecord): void {
    this.#enqueue('discovery_events', row({ ...r, detail: json(r.detail) }));
  }

  /**
   * Backups found on staging or the remote that the history does not know (a fresh or replaced database): recorded
   * as successful runs at their manifest's time, unless a run of the same file is there already. Returns how many.
   */
  adopt(runs: readonly RunRecord[]): number {
    this.flush();
    let added = 0;
    this.#db.transaction(() => {
      for (const r of runs) added += this.#adopt.run(pick(row({ ...r }), COLUMNS.runs)).changes;
    })();
    return added;
  }

  /** Writes what is queued now, in one transaction. Never throws: a failed batch is logged and dropped. */
  flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0 || this.#closed) return;
    try {
      this.#db.transaction(() => {
        for (const p of batch) this.#insert[p.table].run(pick(p.row, COLUMNS[p.table]));
      })();
    } catch (err) {
      const e = new HistoryWriteError(`could not write ${batch.length} history record(s): ${errorMessage(err)}`, { cause: err });
      this.#logger.error(e.message, { event: 'history.write_failed', count: batch.length, error: { code: e.code, message: e.message } });
    }
  }

  /** Newest first, keyset-paged. */
  runs(q: RunQuery = {}): RunPage {
    this.flush();
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), 1000);
    const params: Row = { limit: limit + 1 };
    const filters = { container: 'container = @container', target: 'target = @target', since: 'finished_at >= @since', until: 'finished_at <= @until' } as const;
    const where: string[] = [];
    for (const [key, clause] of Object.entries(filters) as [keyof typeof filters, string][]) {
      const value = q[key];
      if (value === undefined) continue;
      where.push(clause);
      params[key] = value;
    }
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (cursor) {
      where.push('(finished_at < @cf OR (finished_at = @cf AND id < @ci))');
      params.cf = cursor.finishedAt;
      params.ci = cursor.id;
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY finished_at DESC, id DESC LIMIT @limit`;
    const rows = (this.#db.prepare(sql).all(params) as Row[]).map(runFromRow);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page.at(-1);
    return { runs: page, ...(more && last ? { next_cursor: encodeCursor(last.finished_at, last.id) } : {}) };
  }

  /**
   * One summary per target that has runs: last run and success, failure streak and count, last error and size.
   * One grouped pass, then three indexed look-ups a target (what a restart reads: milliseconds for 200 targets).
   */
  /** Per target its drills: failures, first drill, newest passed one and the newest record. */
  drillTargets(): DrillTargetSummary[] {
    this.flush();
    const groups = this.#db
      .prepare(
        `SELECT container, target, SUM(success = 0) AS failures, MIN(started_at) AS first_started_at, MAX(CASE WHEN success = 1 THEN started_at END) AS last_success_started_at
         FROM drills GROUP BY container, target ORDER BY container, target`,
      )
      .all() as Row[];
    const last = this.#db.prepare('SELECT * FROM drills WHERE container = ? AND target = ? ORDER BY finished_at DESC, id DESC LIMIT 1');
    return groups.map((g) => {
      const l = last.get(g.container, g.target) as Row;
      const rec: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(l)) {
        if (v === null || k === 'id') continue;
        rec[k] = k === 'detail' && typeof v === 'string' ? JSON.parse(v) : k === 'success' ? v === 1 : v;
      }
      return {
        container: g.container as string,
        target: g.target as string,
        failures: g.failures as number,
        first_started_at: g.first_started_at as number,
        ...(g.last_success_started_at !== null ? { last_success_started_at: g.last_success_started_at as number } : {}),
        last: rec as unknown as DrillRecord,
      };
    });
  }

  targets(): TargetSummary[] {
    this.flush();
    const groups = this.#db
      .prepare(
        `SELECT container, target, COUNT(*) AS runs, SUM(success = 0) AS failures, MIN(finished_at) AS first_run_at, MAX(finished_at) AS last_run_at
         FROM runs GROUP BY container, target ORDER BY container, target`,
      )
      .all() as Row[];
    const last = this.#db.prepare('SELECT * FROM runs WHERE container = ? AND target = ? ORDER BY finished_at DESC, id DESC LIMIT 1');
    const lastOk = this.#db.prepare('SELECT finished_at, stored_bytes FROM runs WHERE container = ? AND target = ? AND success = 1 ORDER BY finished_at DESC, id DESC LIMIT 1');
    const streak = this.#db.prepare('SELECT COUNT(*) AS n FROM runs WHERE container = ? AND target = ? AND success = 0 AND finished_at > ?');
    return groups.map((g) => {
      const l = last.get(g.container, g.target) as Row;
      const ok = lastOk.get(g.container, g.target) as Row | undefined;
      const failureStreak = (streak.get(g.container, g.target, ok ? ok.finished_at : -1) as { n: number }).n;
      const duration = l.duration_ms ?? (l.started_at !== null ? (l.finished_at as number) - (l.started_at as number) : null);
      const out: Record<string, unknown> = {
        container: g.container,
        target: g.target,
        runs: g.runs,
        failures: g.failures,
        first_run_at: g.first_run_at,
        last_run_at: g.last_run_at,
        ...(ok ? { last_success_at: ok.finished_at } : {}),
        failure_streak: failureStreak,
        last_success: l.success === 1,
        ...(l.error_code !== null ? { last_error_code: l.error_code } : {}),
        ...(l.error_message !== null ? { last_error_message: l.error_message } : {}),
        ...(l.stored_bytes !== null ? { last_stored_bytes: l.stored_bytes } : {}),
        ...(ok && ok.stored_bytes !== null ? { last_success_stored_bytes: ok.stored_bytes } : {}),
        ...(duration !== null ? { last_duration_ms: duration } : {}),
      };
      return out as unknown as TargetSummary;
    });
  }

  /** Runs per day over the last `days` days (oldest first, days without runs included), in `timeZone`. */
  days(container: string, target: string, days: number, timeZone = 'UTC'): DaySummary[] {
    this.flush();
    const now = this.#now().getTime();
    const since = now - days * DAY_MS;
    const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    const out = new Map<string, DaySummary>();
    for (let t = since + DAY_MS; t <= now + 1; t += DAY_MS) {
      const day = fmt.format(t);
      out.set(day, { day, runs: 0, succeeded: 0, failed: 0, stored_bytes: 0 });
    }
    const rows = this.#db
      .prepare('SELECT finished_at, success, stored_bytes FROM runs WHERE container = ? AND target = ? AND finished_at > ? ORDER BY finished_at')
      .all(container, target, since) as { finished_at: number; success: number; stored_bytes: number | null }[];
    for (const r of rows) {
      const day = fmt.format(r.finished_at);
      const d = out.get(day) ?? { day, runs: 0, succeeded: 0, failed: 0, stored_bytes: 0 };
      d.runs++;
      if (r.success === 1) d.succeeded++;
      else d.failed++;
      d.stored_bytes += r.stored_bytes ?? 0;
      out.set(day, d);
    }
    return [...out.values()].sort((a, b) => a.day.localeCompare(b.day));
  }

  /** Size and duration of each run since `since`, oldest first, for charts. */
  series(container: string, target: string, since: number): SeriesPoint[] {
    this.flush();
    const rows = this.#db
      .prepare(
        `SELECT finished_at, stored_bytes, COALESCE(duration_ms, CASE WHEN started_at IS NOT NULL THEN finished_at - started_at END) AS duration_ms, success
         FROM runs WHERE container = ? AND target = ? AND finished_at >= ? ORDER BY finished_at`,
      )
      .all(container, target, since) as Row[];
    return rows.map((r) => ({
      finished_at: r.finished_at as number,
      ...(r.stored_bytes !== null ? { stored_bytes: r.stored_bytes as number } : {}),
      ...(r.duration_ms !== null ? { duration_ms: r.duration_ms as number } : {}),
      success: r.success === 1,
    }));
  }

  /** Recent restores, drills, verifications, notifications or discovery events, newest first (optionally one container's). */
  recent(table: Exclude<Table, 'runs'>, limit = 50, container?: string): Record<string, unknown>[] {
    this.flush();
    const n = Math.min(Math.max(Math.trunc(limit), 1), 1000);
    const rows = (container === undefined
      ? this.#db.prepare(`SELECT * FROM ${table} ORDER BY ${TIME_COLUMN[table]} DESC, id DESC LIMIT ?`).all(n)
      : this.#db.prepare(`SELECT * FROM ${table} WHERE container = ? ORDER BY ${TIME_COLUMN[table]} DESC, id DESC LIMIT ?`).all(container, n)) as Row[];
    return rows.map((r) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) {
        if (v === null) continue;
        out[k] = k === 'detail' && typeof v === 'string' ? JSON.parse(v) : ['success', 'delivered'].includes(k) ? v === 1 : v;
      }
      return out;
    });
  }

  /** Deletes rows older than the retention from every table; returns how many went. */
  prune(): number {
    this.flush();
    const cutoff = this.#now().getTime() - this.#retentionDays * DAY_MS;
    let removed = 0;
    this.#db.transaction(() => {
      for (const table of Object.keys(COLUMNS) as Table[]) removed += this.#db.prepare(`DELETE FROM ${table} WHERE ${TIME_COLUMN[table]} < ?`).run(cutoff).changes;
    })();
    return removed;
  }

  /** Writes what is queued and closes the file; later records are dropped. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#db.close();
  }

  #enqueue(table: Table, r: Row): void {
    if (this.#closed) return;
    this.#queue.push({ table, row: r });
    this.#scheduled ??= setImmediate(() => this.flush());
  }
}

function pick(r: Row, cols: readonly string[]): Row {
  const out: Row = {};
  for (const c of cols) out[c] = r[c] ?? null;
  return out;
}

function encodeCursor(finishedAt: number, id: string): string {
  return Buffer.from(JSON.stringify([finishedAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { finishedAt: number; id: string } {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return { finishedAt: v[0], id: v[1] };
  } catch {
    // not base64url JSON: refused below like any other cursor this history did not make
  }
  throw new RangeError('cursor: not a next_cursor this history returned');
}
