// Drills on a schedule and on demand (POST /api/drills, `baqup drill`): one at a time, never beside a backup of the
// same target (TargetLocks), each target on `drills.cron` or its own `drill=<cron>` label, none with `drill=false`.
// Results go to the log (@baqup/drill), /metrics (drill-metrics.ts), alerts (a failed drill and the recovery after
// it; "not verified for more than max_age_days" as its own status) and history through `record` (the seam).
import { ApiNoContainerError, ApiNoTargetError, controllerDefaults, DrillBusyError, DrillDisabledError, errorCode, errorMessage, targetKey, targetName, type ControllerConfig, type DesiredState, type Logger, type TargetConfig } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { runDrill, type DrillReport } from '@baqup/drill';
import type { ContainerHolds } from '@baqup/dump';
import type { NotifyEvent } from '@baqup/notify';
import { sourcesFromConfig } from '@baqup/restore';
import { nextRun } from '@baqup/scheduler';
import type { DrillSeed } from './drill-record.js';
import type { TargetLocks } from './target-lock.js';

export type DrillStatus = 'verified' | 'failed' | 'not_verified' | 'never';

export interface TargetDrillState {
  key: string;
  container: string;
  target: string;
  status: DrillStatus;
  last?: DrillReport;
  lastSuccess?: Date;
  failures: number;
  next?: Date;
  /** The state is judged "not verified" after this. */
  since: Date;
}

export interface DrillsOptions {
  config: ControllerConfig;
  docker: DockerClient;
  holds: ContainerHolds;
  logger: Logger;
  desired: () => DesiredState;
  locks: TargetLocks;
  owner: string;
  notify: (event: NotifyEvent) => void;
  /** History: called with every finished drill and the copy it was asked to load (the history's drills table). */
  record?: (report: DrillReport, from: 'staging' | 'remote') => void;
  /** Each target's drills as the history holds them: the state after a restart starts from them. */
  seeds?: readonly DrillSeed[];
  now?: () => Date;
  /** How often the schedule and the verification age are checked; default 60 s. */
  tickMs?: number;
}

export interface Drills {
  /** Runs one drill now (queued behind a running one); rejects DrillDisabledError / lookup errors. */
  run(container: string, target?: string, from?: 'staging' | 'remote'): Promise<DrillReport>;
  states(): TargetDrillState[];
  running(): string | undefined;
  /** Aborts a running drill and waits (up to 30 s) until its throwaway container is removed. */
  stop(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;
/** Notices use their own key, so a drill's status never mixes with the target's backup status. */
const noticeKey = (key: string) => `${key} drill`;

export function startDrills(o: DrillsOptions): Drills {
  const now = o.now ?? (() => new Date());
  const sources = sourcesFromConfig(o.config, o.logger);
  const defaults = controllerDefaults(o.config);
  const abort = new AbortController();
  const states = new Map<string, TargetDrillState>();
  const queued = new Set<string>();
  let chain: Promise<unknown> = Promise.resolve();
  let current: string | undefined;
  let stopped = false;
  const maxAgeMs = o.config.drills.max_age_days * DAY;
  for (const seed of o.seeds ?? []) {
    states.set(seed.key, {
      key: seed.key, container: seed.container, target: seed.target, status: seed.last.ok ? 'verified' : 'failed',
      last: seed.last, failures: seed.failures, since: seed.since, ...(seed.lastSuccess ? { lastSuccess: seed.lastSuccess } : {}),
    });
  }

  const cronOf = (t: TargetConfig) => (t.drill && typeof t.drill === 'object' ? t.drill.cron : o.config.drills.cron);
  const stateOf = (key: string, container: string, target: string): TargetDrillState => {
    let s = states.get(key);
    if (!s) states.set(key, (s = { key, container, target, status: 'never', failures: 0, since: now() }));
    return s;
  };

  const finish = (s: TargetDrillState, r: DrillReport, from: 'staging' | 'remote') => {
    const was = s.status;
    s.last = r;
    if (r.ok) {
      s.lastSuccess = new Date(r.startedAt);
      s.status = 'verified';
      if (was === 'failed' || was === 'not_verified') o.logger.info('target verified by a drill again', { event: 'drill.recovered', container: s.container, target: s.target });
      o.notify({ kind: 'result', container: s.container, target: noticeKey(s.key), success: true });
    } else {
      s.failures++;
      s.status = 'failed';
      o.notify({ kind: 'result', container: s.container, target: noticeKey(s.key), success: false, ...(r.error ? { error: r.error } : {}) });
    }
    try {
      o.record?.(r, from);
    } catch (err) {
      o.logger.warn('could not record a drill in history', { error: { code: errorCode(err), message: errorMessage(err) } });
    }
  };

  const find = (container: string, target?: string) => {
    const c = [...o.desired().values()].find((x) => x.containerName === container);
    if (!c) throw new ApiNoContainerError(`no labelled container named "${container}"`);
    const ts = target === undefined ? c.targets : c.targets.filter((t) => targetName(t) === target || t.instance === target);
    if (ts.length !== 1) throw new ApiNoTargetError(`container "${container}" has ${ts.length === 0 ? `no target "${target}"` : 'several targets: name one'}; it has: ${c.targets.map(targetName).join(', ') || 'none'}`);
    return { c, t: ts[0]! };
  };

  const enqueue = (container: string, t: TargetConfig, from: 'staging' | 'remote'): Promise<DrillReport> => {
    const key = targetKey(container, t);
    const s = stateOf(key, container, targetName(t));
    const job = chain.then(async () => {
      if (stopped) throw new DrillBusyError('the controller is stopping');
      current = key;
      try {
        const r = await o.locks.run(key, () =>
          runDrill({
            docker: o.docker, sources, defaults, holds: o.holds, logger: o.logger, owner: o.owner,
            limits: { memoryBytes: o.config.drills.memory_mb * 1024 * 1024, cpus: o.config.drills.cpus },
            readyTimeoutMs: o.config.drills.ready_timeout * 1000, signal: abort.signal,
          }, { container, target: targetName(t), from }),
        );
        finish(s, r, from);
        return r;
      } finally {
        current = undefined;
        queued.delete(key);
      }
    });
    chain = job.catch(() => undefined);
    return job;
  };

  const tick = () => {
    if (stopped || !o.config.drills.enabled) return;
    const at = now();
    const live = new Set<string>();
    for (const c of o.desired().values()) {
      for (const t of c.targets) {
        if (t.drill === false) continue;
        const key = targetKey(c.containerName, t);
        live.add(key);
        const s = stateOf(key, c.containerName, targetName(t));
        try {
          s.next ??= nextRun(cronOf(t), { after: at, tz: o.config.timezone });
        } catch (err) {
          o.logger.error('drill schedule is invalid; the target is not drilled', { container: c.containerName, target: targetName(t), error: { code: errorCode(err), message: errorMessage(err) } });
          continue;
        }
        if (s.next.getTime() <= at.getTime() && !queued.has(key)) {
          queued.add(key);
          s.next = nextRun(cronOf(t), { after: at, tz: o.config.timezone });
          void enqueue(c.containerName, t, o.config.drills.from).catch(() => undefined);
        }
        // Not verified for longer than max_age_days: its own status and alert (a pass recovers it).
        const verifiedAt = (s.lastSuccess ?? s.since).getTime();
        if (s.status !== 'failed' && s.status !== 'not_verified' && at.getTime() - verifiedAt > maxAgeMs) {
          s.status = 'not_verified';
          const reason = `not verified by a drill for more than ${o.config.drills.max_age_days} days${s.lastSuccess ? ` (last passed ${s.lastSuccess.toISOString()})` : ''}`;
          o.logger.warn('target not verified by a drill', { event: 'target.stale', container: s.container, target: s.target, reason });
          o.notify({ kind: 'target.stale', container: s.container, target: noticeKey(key), reason });
        }
      }
    }
    // Targets gone from the labels are forgotten; not before discovery's first listing (an empty map until then),
    // which would drop the states the history seeded.
    if (o.desired().size > 0) for (const key of states.keys()) if (!live.has(key)) states.delete(key);
  };

  const timer = setInterval(tick, o.tickMs ?? 60_000);
  timer.unref();
  setImmediate(tick);

  return {
    run(container, target, from = 'remote') {
      const { c, t } = find(container, target);
      if (t.drill === false) return Promise.reject(new DrillDisabledError(`${container}/${targetName(t)} is opted out of drills (backup.${t.type}.${t.instance}.drill=false)`));
      return enqueue(c.containerName, t, from);
    },
    states: () => [...states.values()],
    running: () => current,
    async stop() {
      stopped = true;
      clearInterval(timer);
      abort.abort(new DrillBusyError('the controller is stopping'));
      let t: NodeJS.Timeout | undefined;
      await Promise.race([chain, new Promise<void>((r) => (t = setTimeout(r, 30_000)))]);
      clearTimeout(t);
    },
  };
}
