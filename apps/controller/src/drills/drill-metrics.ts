// The drill families of /metrics (appended to renderMetrics' text): last passed drill, its duration and restore
// time, failures, and "not verified" as a 0/1 gauge.
import type { TargetDrillState } from './drills.js';

/** Label values escape backslash, double quote and line feed (exposition format). */
const escapeLabelValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function renderDrillMetrics(states: readonly TargetDrillState[]): string {
  const fams = [
    { name: 'baqup_drill_last_success_timestamp_seconds', help: 'Unix time the last passed drill of the target started.', type: 'gauge', value: (s: TargetDrillState) => (s.lastSuccess ? s.lastSuccess.getTime() / 1000 : undefined) },
    { name: 'baqup_drill_last_duration_seconds', help: 'Duration of the last drill of the target (fetch, start, restore, check).', type: 'gauge', value: (s: TargetDrillState) => (s.last ? s.last.durationMs / 1000 : undefined) },
    { name: 'baqup_drill_last_restore_seconds', help: 'Restore time of the last drill of the target (loading into the ready engine).', type: 'gauge', value: (s: TargetDrillState) => (s.last?.restoreMs !== undefined ? s.last.restoreMs / 1000 : undefined) },
    { name: 'baqup_drill_last_success', help: '1 when the last drill of the target passed, 0 when it failed.', type: 'gauge', value: (s: TargetDrillState) => (s.last ? (s.last.ok ? 1 : 0) : undefined) },
    { name: 'baqup_drill_failures_total', help: 'Failed drills of the target since the controller started.', type: 'counter', value: (s: TargetDrillState) => s.failures },
    { name: 'baqup_drill_unverified', help: '1 when the target has no passed drill for longer than drills.max_age_days.', type: 'gauge', value: (s: TargetDrillState) => (s.status === 'not_verified' ? 1 : 0) },
  ] as const;
  const sorted = [...states].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out: string[] = [];
  for (const f of fams) {
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of sorted) {
      const v = f.value(s);
      if (v !== undefined) out.push(`${f.name}{container="${escapeLabelValue(s.container)}",target="${escapeLabelValue(s.target)}"} ${v}`);
    }
  }
  return out.join('\n');
}
