// The drill families of /metrics, on the controller's prom-client registry: last passed drill, its duration and
// restore time, failures, and "not verified" as a 0/1 gauge. Labels as the other per-target series: `baqup_container`
// and `target` (never `container`: see observe/metrics.ts). Computed from the drill states at each scrape.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { TargetDrillState } from './drills.js';

const LABELS = ['baqup_container', 'target'] as const;

export function registerDrillMetrics(registry: Registry, states: () => readonly TargetDrillState[]): void {
  const registers = [registry];
  const sorted = () => [...states()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const labels = (s: TargetDrillState) => ({ baqup_container: s.container, target: s.target });
  const gauge = (name: string, help: string, value: (s: TargetDrillState) => number | undefined) =>
    new Gauge({
      name, help, labelNames: LABELS, registers,
      collect() {
        this.reset();
        for (const s of sorted()) {
          const v = value(s);
          if (v !== undefined) this.set(labels(s), v);
        }
      },
    });
  gauge('baqup_drill_last_success_timestamp_seconds', 'Unix time the last passed drill of the target started.', (s) => (s.lastSuccess ? s.lastSuccess.getTime() / 1000 : undefined));
  gauge('baqup_drill_last_duration_seconds', 'Duration of the last drill of the target (fetch, start, restore, check).', (s) => (s.last ? s.last.durationMs / 1000 : undefined));
  gauge('baqup_drill_last_fetch_seconds', 'Fetch time of the last drill of the target (download and proof of the bytes).', (s) => (s.last?.fetchMs !== undefined ? s.last.fetchMs / 1000 : undefined));
  gauge('baqup_drill_last_restore_seconds', 'Restore time of the last drill of the target (loading into the ready engine).', (s) => (s.last?.restoreMs !== undefined ? s.last.restoreMs / 1000 : undefined));
  gauge('baqup_drill_last_bytes', 'Size of the backup the last drill of the target loaded.', (s) => s.last?.bytes);
  gauge('baqup_drill_last_success', '1 when the last drill of the target passed, 0 when it failed.', (s) => (s.last ? (s.last.ok ? 1 : 0) : undefined));
  gauge('baqup_drill_unverified', '1 when the target has no passed drill for longer than drills.max_age_days.', (s) => (s.status === 'not_verified' ? 1 : 0));
  new Counter({
    name: 'baqup_drill_failures_total', help: 'Failed drills of the target, counted on from the history at start (so across restarts).', labelNames: LABELS, registers,
    collect() {
      this.reset();
      for (const s of sorted()) this.inc(labels(s), s.failures);
    },
  });
}
