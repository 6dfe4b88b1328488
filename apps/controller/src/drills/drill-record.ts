// A drill in the history and back: every finished drill is one row of the history's drills table (fetch time,
// restore time, bytes, result, reason; what was checked as detail), and at start each target's drill state is
// rebuilt from those rows, so /metrics, GET /api/drills and "not verified for more than max_age_days" are right
// at once after a restart (a restart does not reset the age clock).
import type { DrillReport } from '@baqup/drill';
import type { DrillRecord, DrillTargetSummary } from '@baqup/history';

/** What the drill state starts from for one target (`container/type-instance`). */
export interface DrillSeed {
  key: string;
  container: string;
  target: string;
  last: DrillReport;
  lastSuccess?: Date;
  failures: number;
  /** The first drill recorded: the age of a target never verified counts from it. */
  since: Date;
}

interface DrillDetail {
  file?: string;
  start_ms?: number;
  check_ms?: number;
  duration_ms?: number;
  checked?: string[];
  not_checked?: string[];
  problems?: string[];
}

/** The history row of a finished drill; `from` is the copy asked for (the row's source when none was found). */
export function drillRecord(r: DrillReport, from: 'staging' | 'remote'): DrillRecord {
  const started = Date.parse(r.startedAt);
  const detail: DrillDetail = {
    ...(r.file ? { file: r.file } : {}),
    ...(r.startMs !== undefined ? { start_ms: r.startMs } : {}),
    ...(r.checkMs !== undefined ? { check_ms: r.checkMs } : {}),
    duration_ms: r.durationMs,
    checked: r.checked,
    not_checked: r.notChecked,
    problems: r.problems,
  };
  return {
    container: r.container,
    target: r.target,
    // The backup drilled (its timestamp); empty when none could be found (the error says why).
    backup: r.timestamp ?? '',
    source: r.side ?? from,
    started_at: started,
    finished_at: started + r.durationMs,
    success: r.ok,
    ...(r.fetchMs !== undefined ? { fetch_ms: r.fetchMs } : {}),
    ...(r.restoreMs !== undefined ? { restore_ms: r.restoreMs } : {}),
    ...(r.bytes !== undefined ? { bytes: r.bytes } : {}),
    detail,
    ...(r.error ? { error_code: r.error.code, error_message: r.error.message } : {}),
  };
}

/** The report a history row stands for (as GET /api/drills shows the last drill). */
export function reportOf(d: DrillRecord): DrillReport {
  const detail = (d.detail && typeof d.detail === 'object' ? d.detail : {}) as DrillDetail;
  const side = d.source === 'staging' || d.source === 'remote' || d.source === 'restic' ? d.source : undefined;
  return {
    container: d.container,
    target: d.target,
    ok: d.success,
    ...(d.backup ? { timestamp: d.backup } : {}),
    ...(detail.file ? { file: detail.file } : {}),
    ...(side && d.backup ? { side } : {}),
    ...(d.bytes !== undefined ? { bytes: d.bytes } : {}),
    ...(d.fetch_ms !== undefined ? { fetchMs: d.fetch_ms } : {}),
    ...(detail.start_ms !== undefined ? { startMs: detail.start_ms } : {}),
    ...(d.restore_ms !== undefined ? { restoreMs: d.restore_ms } : {}),
    ...(detail.check_ms !== undefined ? { checkMs: detail.check_ms } : {}),
    durationMs: detail.duration_ms ?? d.finished_at - d.started_at,
    checked: detail.checked ?? [],
    notChecked: detail.not_checked ?? [],
    problems: detail.problems ?? [],
    ...(d.error_code ? { error: { code: d.error_code, message: d.error_message ?? '' } } : {}),
    startedAt: new Date(d.started_at).toISOString(),
  };
}

export function drillSeeds(summaries: readonly DrillTargetSummary[]): DrillSeed[] {
  return summaries.map((s) => ({
    key: `${s.container}/${s.target}`,
    container: s.container,
    target: s.target,
    last: reportOf(s.last),
    ...(s.last_success_started_at !== undefined ? { lastSuccess: new Date(s.last_success_started_at) } : {}),
    failures: s.failures,
    since: new Date(s.first_started_at),
  }));
}
