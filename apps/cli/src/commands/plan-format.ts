// Renders effective targets and label errors for `baqup plan` and `baqup lint`, as text or JSON.
import type { ContainerBackupConfig, DesiredState, LabelError } from '@baqup/core';
import { nextRuns } from '@baqup/scheduler';
import { retentionWords } from '../output/retention.js';
import { isoInZone } from '../output/time.js';
import { targetName } from '@baqup/core';

export interface PlanRow {
  container: string;
  target: string;
  engine: string;
  databases?: string;
  path?: string;
  schedule: string;
  cron?: string;
  /** ISO 8601 in the config's timezone. */
  next_run?: string;
  retention: string;
  compress: string;
  stop: boolean;
  error?: string;
}

export interface PlanReport {
  rows: PlanRow[];
  errors: Array<LabelError & { container: string }>;
  /** Not errors unless `lint --strict`: e.g. `backup.*` labels on a service without `backup.enabled`. */
  warnings: Array<{ container: string; message: string; label?: string }>;
}

export function buildPlan(desired: DesiredState, now: Date, tz: string): PlanReport {
  const configs = [...desired.values()];
  const byName = new Map<string, ContainerBackupConfig>(configs.map((c) => [c.containerName, c]));
  const rows = nextRuns(desired, now, tz).map((p): PlanRow => {
    const c = byName.get(p.containerName);
    const t = p.target;
    return {
      container: p.containerName,
      target: targetName(t),
      engine: t.type,
      ...(t.databases ? { databases: t.databases === 'all' ? 'all' : t.databases.join(',') } : {}),
      ...(t.path ? { path: t.path } : {}),
      schedule: p.schedule,
      ...(p.cron ? { cron: p.cron } : {}),
      ...(p.next[0] ? { next_run: isoInZone(p.next[0], tz) } : {}),
      retention: retentionWords(c?.schedules[p.schedule]?.retention),
      compress: t.compress,
      stop: c?.stop ?? false,
      ...(p.error ? { error: p.error } : {}),
    };
  });
  rows.sort((a, b) => a.container.localeCompare(b.container) || a.target.localeCompare(b.target));
  const errors = configs.flatMap((c) => c.errors.map((e) => ({ ...e, container: c.containerName })));
  return { rows, errors, warnings: [] };
}

export function renderPlan(report: PlanReport, emptyNote: string): string {
  const out: string[] = [];
  if (report.rows.length === 0) out.push(emptyNote);
  let last = '';
  for (const r of report.rows) {
    if (r.container !== last) {
      out.push(`${r.container}${r.stop ? '  (stopped during backup)' : ''}`);
      last = r.container;
    }
    const what = r.databases ? ` databases=${r.databases}` : r.path ? ` path=${r.path}` : '';
    const when = r.error ? `ERROR: ${r.error}` : `${r.schedule} (${r.cron ?? '?'}) next ${r.next_run ?? '-'}`;
    out.push(`  ${r.target.padEnd(22)} ${r.engine}${what}  ${when}  retention ${r.retention}  compress ${r.compress}`);
  }
  if (report.warnings.length > 0) {
    out.push('', `${report.warnings.length} warning(s):`);
    for (const w of report.warnings) out.push(`  ${w.container}: ${w.message}`);
  }
  if (report.errors.length > 0) {
    out.push('', `${report.errors.length} label error(s):`);
    for (const e of report.errors) {
      const hint = [e.expected ? `expected ${e.expected}` : '', e.suggestion ? `did you mean ${e.suggestion}?` : ''].filter(Boolean).join('; ');
      out.push(`  ${e.container}: ${e.label}=${e.value}: ${e.message}${hint ? ` (${hint})` : ''}`);
    }
  }
  return out.join('\n');
}
