// The controller's state in the Prometheus text exposition format (0.0.4). Written by hand: a dozen gauges from one
// snapshot need no registry, and the format's only subtle part (escaping) is tested here.
import { targetKey, targetName } from '@baqup/core';
import type { ControllerState } from '@baqup/state';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string>;
interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: Array<{ labels: Labels; value: number }>;
}

/** Label values escape backslash, double quote and line feed (exposition format spec). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function renderFamily(f: Family): string {
  const lines = [`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`];
  for (const s of f.samples) {
    const entries = Object.entries(s.labels);
    const labels = entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
    lines.push(`${f.name}${labels} ${formatValue(s.value)}`);
  }
  return lines.join('\n');
}

const family = (name: string, help: string, type: Family['type']): Family => ({ name, help, type, samples: [] });
const seconds = (d: Date) => d.getTime() / 1000;

/**
 * Every family is always present (with HELP/TYPE); per-target samples that have no value yet (no success, no run)
 * are left out rather than reported as 0, so `time() - last_success` never invents a 56-year-old backup.
 */
export function renderMetrics(state: ControllerState): string {
  const perTarget = {
    lastSuccess: family('baqup_target_last_success_timestamp_seconds', 'Unix time of the last successful backup of the target.', 'gauge'),
    lastAttempt: family('baqup_target_last_attempt_timestamp_seconds', 'Unix time the last backup of the target finished (success or failure).', 'gauge'),
    duration: family('baqup_target_last_duration_seconds', 'Duration of the last backup run of the target.', 'gauge'),
    size: family('baqup_target_last_size_bytes', 'Staged size of the last successful backup of the target.', 'gauge'),
    failures: family('baqup_target_failures_total', 'Failed backup runs of the target since the controller started.', 'counter'),
    stale: family('baqup_target_stale', '1 when the target has had no successful backup for longer than its schedule allows.', 'gauge'),
  };

  const containers = [...state.containers.values()].sort((a, b) => (a.containerName < b.containerName ? -1 : a.containerName > b.containerName ? 1 : 0));
  for (const c of containers) {
    for (const t of c.targets) {
      const ts = state.targets.get(targetKey(c.containerName, t));
      if (!ts) continue;
      const labels = { container: c.containerName, target: targetName(t), schedule: t.schedule };
      if (ts.lastSuccess) perTarget.lastSuccess.samples.push({ labels, value: seconds(ts.lastSuccess) });
      if (ts.lastRun) perTarget.lastAttempt.samples.push({ labels, value: seconds(ts.lastRun) });
      if (ts.lastDurationSeconds !== undefined) perTarget.duration.samples.push({ labels, value: ts.lastDurationSeconds });
      if (ts.lastBytes !== undefined) perTarget.size.samples.push({ labels, value: ts.lastBytes });
      perTarget.failures.samples.push({ labels, value: ts.failures });
      perTarget.stale.samples.push({ labels, value: ts.stale ? 1 : 0 });
    }
  }

  const global: Family[] = [
    { name: 'baqup_jobs_running', help: 'Backup jobs running now.', type: 'gauge', samples: [{ labels: {}, value: state.queue.running.length }] },
    { name: 'baqup_jobs_queued', help: 'Backup jobs waiting for a slot.', type: 'gauge', samples: [{ labels: {}, value: state.queue.queued.length }] },
    { name: 'baqup_containers_discovered', help: 'Labelled containers the controller knows.', type: 'gauge', samples: [{ labels: {}, value: state.containers.size }] },
    { name: 'baqup_docker_up', help: '1 when the Docker engine answers.', type: 'gauge', samples: [{ labels: {}, value: state.docker.connected ? 1 : 0 }] },
  ];
  return [...Object.values(perTarget), ...global].map(renderFamily).join('\n') + '\n';
}
