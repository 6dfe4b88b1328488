// The controller's metrics on prom-client: one Registry per controller (never the library's global one, so tests
// and a second controller in one process do not share series). Per-target gauges are computed from the state at
// each scrape; job results feed a duration histogram and counters as they come in.
//
// Label names: `baqup_container`, `target`, `schedule`, `outcome`, `status`. Never `container`, `job` or
// `instance`: the usual Docker service-discovery relabelling attaches `container` (and Prometheus owns `job` and
// `instance`) as target labels, and a scraped label of the same name is renamed `exported_container`.
// docs/health-and-metrics.md documents the names and the migration from `container`.
import { createRequire } from 'node:module';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { targetKey, targetName, type BackupResult } from '@baqup/core';
import type { HeldContainer } from '@baqup/dump';
import type { JobSkipped } from '@baqup/scheduler';
import type { ControllerState } from '@baqup/state';

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** Seconds: a sqlite file in one, a large volume in hours. */
export const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600];
export const HELD_STATUSES = ['stopping', 'stopped', 'start-failed'] as const;
const TARGET_LABELS = ['baqup_container', 'target', 'schedule'] as const;

export interface MetricsSources {
  state: () => ControllerState;
  /** Containers baqup holds stopped (or could not start again) now. */
  held?: () => HeldContainer[];
  /** Default: the controller package's version. */
  version?: string;
  /** Default true: process and Node.js metrics (`process_*`, `nodejs_*`). */
  processMetrics?: boolean;
}

const packageVersion = (): string => {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
};
const seconds = (d: Date) => d.getTime() / 1000;

export class ControllerMetrics {
  readonly registry = new Registry();
  readonly #duration: Histogram<'baqup_container' | 'target' | 'schedule' | 'outcome'>;
  readonly #results: Counter<'baqup_container' | 'target' | 'schedule' | 'outcome'>;
  readonly #uploaded: Counter<'baqup_container' | 'target' | 'schedule'>;

  constructor(src: MetricsSources) {
    const registers = [this.registry];
    if (src.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    new Gauge({ name: 'baqup_build_info', help: 'Always 1; the labels say which baqup and Node.js run.', labelNames: ['version', 'nodejs_version'], registers })
      .set({ version: src.version ?? packageVersion(), nodejs_version: process.version }, 1);

    // Per-target values, from the state at each scrape. Values that do not exist yet (no success, no run) have no
    // series rather than 0, so `time() - last_success` never invents a 56-year-old backup.
    const perTarget = (name: string, help: string, value: (t: NonNullable<ReturnType<ControllerState['targets']['get']>>) => number | undefined) =>
      new Gauge({
        name, help, labelNames: TARGET_LABELS, registers,
        collect() {
          this.reset();
          for (const { labels, record } of targets(src.state())) {
            const v = value(record);
            if (v !== undefined) this.set(labels, v);
          }
        },
      });
    perTarget('baqup_target_last_success_timestamp_seconds', 'Unix time of the last successful backup of the target.', (t) => t.lastSuccess && seconds(t.lastSuccess));
    perTarget('baqup_target_last_attempt_timestamp_seconds', 'Unix time the last backup of the target finished (success or failure).', (t) => t.lastRun && seconds(t.lastRun));
    perTarget('baqup_target_last_duration_seconds', 'Duration of the last backup run of the target.', (t) => t.lastDurationSeconds);
    perTarget('baqup_target_last_size_bytes', 'Staged size of the last successful backup of the target.', (t) => t.lastBytes);
    perTarget('baqup_target_stale', '1 when the target has had no successful backup for longer than its schedule allows.', (t) => (t.stale ? 1 : 0));
    new Counter({
      name: 'baqup_target_failures_total', help: 'Failed backup runs of the target, counted on from the history at start (so across restarts).', labelNames: TARGET_LABELS, registers,
      collect() {
        this.reset();
        for (const { labels, record } of targets(src.state())) this.inc(labels, record.failures);
      },
    });

    this.#duration = new Histogram({ name: 'baqup_job_duration_seconds', help: 'Duration of finished backup jobs, by outcome (success, failure).', labelNames: [...TARGET_LABELS, 'outcome'], buckets: DURATION_BUCKETS, registers });
    this.#results = new Counter({
      name: 'baqup_job_results_total', help: 'Finished backup jobs by outcome: success, failure, skipped (queue full, target busy, stopping, cancelled while queued).', labelNames: [...TARGET_LABELS, 'outcome'], registers,
      // Every known target has its success and failure series from the start (at 0), so increase() sees the first failure.
      collect() {
        for (const { labels } of targets(src.state())) for (const outcome of ['success', 'failure']) this.inc({ ...labels, outcome }, 0);
      },
    });
    this.#uploaded = new Counter({ name: 'baqup_uploaded_bytes_total', help: 'Bytes of successful backups stored to the remote (rclone) or handed to restic (staged, compressed size).', labelNames: TARGET_LABELS, registers });

    const held = src.held ?? (() => []);
    new Gauge({
      name: 'baqup_containers_held', help: 'Containers baqup holds now, by status: stopping, stopped (for a cold copy), start-failed (not started again yet: retried).', labelNames: ['status'], registers,
      collect() {
        const now = held();
        for (const status of HELD_STATUSES) this.set({ status }, now.filter((h) => h.status === status).length);
      },
    });
    new Gauge({
      name: 'baqup_container_held_since_timestamp_seconds', help: 'Per held container: Unix time its current hold status began.', labelNames: ['baqup_container', 'status'], registers,
      collect() {
        this.reset();
        for (const h of held()) this.set({ baqup_container: h.containerName, status: h.status }, Date.parse(h.since) / 1000);
      },
    });

    const global = (name: string, help: string, value: (s: ControllerState) => number) =>
      new Gauge({ name, help, registers, collect() { this.set(value(src.state())); } });
    global('baqup_jobs_running', 'Backup jobs running now.', (s) => s.queue.running.length);
    global('baqup_jobs_queued', 'Backup jobs waiting for a slot.', (s) => s.queue.queued.length);
    global('baqup_containers_discovered', 'Labelled containers the controller knows.', (s) => s.containers.size);
    global('baqup_docker_up', '1 when the Docker engine answers.', (s) => (s.docker.connected ? 1 : 0));
  }

  /** A finished job (result or skip), as the scheduler's results$ emits it; `skipped`: a result that counts as a skip (a cold hold the shutdown refused). */
  record(r: BackupResult | JobSkipped, skipped = false): void {
    const labels = { baqup_container: r.job.container.containerName, target: targetName(r.job.target), schedule: r.job.schedule.name };
    if ('kind' in r || skipped) {
      this.#results.inc({ ...labels, outcome: 'skipped' });
      return;
    }
    const outcome = r.success ? 'success' : 'failure';
    this.#results.inc({ ...labels, outcome });
    this.#duration.observe({ ...labels, outcome }, r.durationSeconds);
    if (r.success) this.#uploaded.inc(labels, r.bytes ?? r.manifest?.size ?? 0);
  }

  /** The exposition, without the blank lines prom-client puts between families (allowed, but noise). */
  async render(): Promise<string> {
    return (await this.registry.metrics()).replace(/\n{2,}/g, '\n');
  }
}

function* targets(state: ControllerState) {
  const containers = [...state.containers.values()].sort((a, b) => (a.containerName < b.containerName ? -1 : a.containerName > b.containerName ? 1 : 0));
  for (const c of containers)
    for (const t of c.targets) {
      const record = state.targets.get(targetKey(c.containerName, t));
      if (record) yield { labels: { baqup_container: c.containerName, target: targetName(t), schedule: t.schedule }, record };
    }
}
