// `baqup history [container [target]]`: the runs the controller recorded (GET /api/runs), newest first, times in the
// config's timezone; with a container and target also that target's summary (GET /api/history/targets).
import { apiClient } from '../api-client.js';
import { printJson } from '../output/json.js';
import { humanDuration, humanSize } from '../output/size.js';
import { showTime } from '../output/time.js';
import { table } from '../restore/cli-context.js';
import { UsageError } from '../usage-error.js';
import { bool, str, type Command } from './command.js';
import { cliConfig, configOption, jsonOption } from './config-option.js';

export interface RunView {
  id: string;
  container: string;
  target: string;
  schedule: string;
  trigger: string;
  finished_at: string;
  success: boolean;
  duration_ms?: number;
  stored_bytes?: number;
  location?: string;
  upload?: string;
  error_code?: string;
  error_message?: string;
}

export interface TargetSummaryView {
  container: string;
  target: string;
  runs: number;
  failures: number;
  failure_streak: number;
  last_run_at: string;
  last_success_at?: string;
  last_success: boolean;
  last_error_message?: string;
}

export interface HistoryReport {
  runs: RunView[];
  next_cursor?: string;
  summary?: TargetSummaryView;
}

/** `postgres-main` as given, or the instance alone is not enough here: the history keys targets by `type-instance`. */
const TARGET = /^[a-z0-9]+-.+$/;

export function renderHistory(r: HistoryReport, timeZone: string): string {
  const out: string[] = [];
  if (r.summary) {
    const s = r.summary;
    out.push(
      `${s.container}/${s.target}: ${s.runs} run${s.runs === 1 ? '' : 's'}, ${s.failures} failed; last success ${showTime(s.last_success_at, timeZone)}` +
        (s.failure_streak > 0 ? `; failing for the last ${s.failure_streak} run${s.failure_streak === 1 ? '' : 's'}` : ''),
      '',
    );
  }
  if (r.runs.length === 0) {
    out.push('no runs recorded (yet) for this selection');
    return out.join('\n');
  }
  const rows = r.runs.map((run) => [
    showTime(run.finished_at, timeZone),
    `${run.container}/${run.target}`,
    run.trigger,
    run.success ? 'ok' : `FAILED ${run.error_code ?? ''}`.trimEnd(),
    humanSize(run.stored_bytes),
    run.duration_ms === undefined ? '-' : run.duration_ms < 1000 ? `${run.duration_ms} ms` : humanDuration(run.duration_ms / 1000),
    run.success ? (run.location ?? '-') : (run.error_message ?? '-'),
  ]);
  out.push(table(['FINISHED', 'TARGET', 'TRIGGER', 'RESULT', 'SIZE', 'DURATION', 'WHERE / ERROR'], rows));
  if (r.next_cursor) out.push(`… older runs: --limit N, --since TIME, or --cursor ${r.next_cursor}`);
  return out.join('\n');
}

export const history: Command = {
  summary: 'the backup runs the controller recorded (newest first), for everything, a container, or one target',
  arguments: [
    { name: '[container]', description: 'only this container\'s runs' },
    { name: '[target]', description: 'only this target, as type-instance (postgres-main)' },
  ],
  options: [
    configOption,
    { flags: '-n, --limit <count>', description: 'runs to show, 1 to 1000', default: '20' },
    { flags: '--since <time>', description: 'only runs that finished at or after this ISO time (2026-12-01 or 2026-12-01T03:00:00Z)' },
    { flags: '--cursor <cursor>', description: 'the next page: what the previous page printed' },
    jsonOption,
  ],
  details: [
    'Output: with container and target, a summary line (runs, failures, last success, failure streak); then a table',
    'FINISHED, TARGET, TRIGGER, RESULT, SIZE, DURATION, WHERE / ERROR (times in the config\'s timezone).',
    '--json: { runs: [{ id, container, target, schedule, trigger, queued_at, started_at, finished_at, success, duration_ms,',
    '  stored_bytes, sha256, file, location, upload, error_code, error_message }], next_cursor, summary }.',
    'Exit codes: 0 shown (also when no runs are recorded), 1 the controller does not answer or has no history, 2 usage error.',
  ].join('\n'),
  examples: ['', 'gitea-db', 'gitea-db postgres-main --limit 100', '--since 2026-12-01 --json'],
  async run({ args: [container, target], opts }) {
    const limit = Number(str(opts, 'limit') ?? '20');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be a whole number from 1 to 1000, got "${str(opts, 'limit')}"`);
    if (target !== undefined && !TARGET.test(target)) throw new UsageError(`target must be type-instance (e.g. postgres-main), got "${target}"`);
    const sinceArg = str(opts, 'since');
    const since = sinceArg === undefined ? undefined : new Date(sinceArg);
    if (since && Number.isNaN(since.getTime())) throw new UsageError(`--since must be an ISO time such as 2026-12-01 or 2026-12-01T03:00:00Z, got "${sinceArg}"`);
    const { config } = cliConfig(str(opts, 'config'));
    const api = apiClient(config);
    const query = new URLSearchParams({ limit: String(limit) });
    if (container) query.set('container', container);
    if (target) query.set('target', target);
    if (since) query.set('since', since.toISOString());
    const cursor = str(opts, 'cursor');
    if (cursor) query.set('cursor', cursor);
    const res = await api.request('GET', `/api/runs?${query.toString()}`);
    if (res.status !== 200) {
      const body = res.body as { error?: string; code?: string };
      const why = res.status === 404 ? ' (a controller without GET /api/runs)' : res.status === 401 ? ' (set BAQUP_API_TOKEN or api.token_file)' : body.error ? `: ${body.error}` : '';
      console.error(`baqup history: the controller at ${api.base} answered HTTP ${res.status}${why}`);
      return res.status === 400 ? 2 : 1;
    }
    const page = res.body as { runs: RunView[]; next_cursor?: string };
    const report: HistoryReport = { runs: page.runs, ...(page.next_cursor ? { next_cursor: page.next_cursor } : {}) };
    if (container && target) {
      const t = await api.request('GET', '/api/history/targets');
      const found = t.status === 200 ? (t.body as { targets: TargetSummaryView[] }).targets.find((s) => s.container === container && s.target === target) : undefined;
      if (found) report.summary = found;
    }
    if (bool(opts, 'json')) printJson(report);
    else console.log(renderHistory(report, config.timezone));
    return 0;
  },
};
