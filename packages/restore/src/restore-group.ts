// `baqup restore --group`: every member of a backup group back to one set (its group manifest), as one unit.
//   1. every backup of the set is found and proved (sha256 against the set's, read to its end in its format),
//      and every member's container found, BEFORE anything is touched; then one confirmation;
//   2. the members are stopped in stop order (dependents first), each journaled first (the shared stop journal);
//   3. the cold targets (fs, sqlite) of every member are loaded while the whole group is down;
//   4. the members are started in start order (dependencies first), each checked (running, and healthy when it has
//      a healthcheck) before its own database targets are loaded — so no member ever starts against a database
//      that is not restored yet — and before the next member starts.
// Each load is an ordinary restore (restore.ts). The safety copies of the state they replace are all taken first,
// while the group still runs (through the controller, as for a single restore), and their rollback commands printed. Every member that was running is started again on every path.
import { errorCode, errorMessage, GroupManifestError, targetName, targetKey, type TargetType } from '@baqup/core';
import { COLD_CAPABLE, waitMemberReady, type MemberStart, type Release } from '@baqup/dump';
import { listGroupManifests, readGroupManifest, type GroupManifest } from '@baqup/stage';
import { rcloneGroupStore, resticGroupStore, type GroupManifestStore, type RemoteGroupSet } from '@baqup/upload';
import type { BackupSources } from './sources.js';
import { listBackups } from './catalog.js';
import { checkContent } from './content.js';
import { BackupNotFoundError, RestoreFailedError, RestoreRefusedError, SafetyCopyFailedError } from './errors.js';
import { fetchVerified } from './fetch.js';
import { locateBackup, restore, rollbackCommand, type RestoreDeps, type RestoreReport, type RestoreSummary, type SafetyCopyReport } from './restore.js';

export interface GroupRestoreRequest {
  group: string;
  /** The set's timestamp (`20240115T030000Z`); the newest set when absent or `latest`. */
  at?: string;
  from?: 'staging' | 'remote';
  dryRun?: boolean;
  noSafetyCopy?: boolean;
}

export interface GroupRestoreMember {
  service: string;
  container: string;
  /** The set's backups of this member, each as its single restore would describe it. */
  backups: RestoreSummary[];
}

export interface GroupRestorePlan {
  group: string;
  timestamp: string;
  stopOrder: string[];
  startOrder: string[];
  members: GroupRestoreMember[];
}

export interface GroupRestoreReport extends GroupRestorePlan {
  dryRun: boolean;
  restored: RestoreReport[];
  starts: MemberStart[];
  durationMs: number;
}

export interface GroupRestoreDeps extends Omit<RestoreDeps, 'confirm'> {
  /** Where the group manifests are (`staging.path`). */
  stagingRoot: string;
  /** Asked once, after every backup was proved and before anything is touched; false or absent refuses. */
  confirm?: (plan: GroupRestorePlan) => Promise<boolean>;
  startTimeoutMs?: number;
  pollMs?: number;
}

const isCold = (type: string): boolean => COLD_CAPABLE.has(type as TargetType);

// A database server that runs is not yet one that answers (postgres replays its WAL first): each database load
// waits for its server's own readiness check, run in the container (no credentials: these only ask "are you up").
const READY: Partial<Record<string, string[]>> = {
  postgres: ['pg_isready', '-q'],
  mariadb: ['sh', '-c', 'mariadb-admin ping --silent 2>/dev/null || mysqladmin ping --silent'],
  mysql: ['sh', '-c', 'mysqladmin ping --silent 2>/dev/null || mariadb-admin ping --silent'],
  redis: ['redis-cli', 'ping'],
};

async function serverAnswers(deps: GroupRestoreDeps, containerId: string, container: string, type: string): Promise<void> {
  const argv = READY[type];
  if (!argv) return;
  const timeoutMs = deps.startTimeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await deps.docker.execToCompletion(containerId, argv, deps.signal ? { signal: deps.signal } : {}).catch(() => undefined);
    if (r?.exitCode === 0) return;
    if (Date.now() >= deadline) throw new RestoreFailedError(`${container} runs but its ${type} server did not answer (${argv.join(' ')}) within ${Math.round(timeoutMs / 1000)} s of its start; nothing of it was loaded`);
    await new Promise((resolve) => setTimeout(resolve, deps.pollMs ?? 500));
  }
}

/** Where a group's sets are off-host: the configured backend's store (the rclone remote, or the restic repository). */
export function groupStoreOf(sources: BackupSources): GroupManifestStore | undefined {
  return sources.rclone ? rcloneGroupStore(sources.rclone.ops) : sources.restic ? resticGroupStore(sources.restic) : undefined;
}

/**
 * The set to restore: the one at `at`, or the newest, from staging and off-host (`from` limits it to one side). A set
 * in both is read from staging; a set only off-host (staging lost) is read from there. GroupManifestError when none.
 */
export async function findGroupSet(deps: Pick<GroupRestoreDeps, 'stagingRoot' | 'sources' | 'signal'>, req: Pick<GroupRestoreRequest, 'group' | 'at' | 'from'>): Promise<GroupManifest> {
  const at = req.at === 'latest' ? undefined : req.at;
  const staged = req.from === 'remote' ? [] : await listGroupManifests(deps.stagingRoot, req.group);
  const store = req.from === 'staging' ? undefined : groupStoreOf(deps.sources);
  let remote: RemoteGroupSet[] = [];
  let remoteProblem: string | undefined;
  if (store) {
    try {
      remote = await store.list(req.group, deps.signal);
    } catch (err) {
      if (req.from === 'remote') throw err;
      remoteProblem = `${store.display} could not be listed: ${errorMessage(err)}`;
    }
  }
  const all = [...new Set([...staged.map((s) => s.timestamp), ...remote.map((s) => s.timestamp)])].sort();
  const ts = at ?? all.at(-1);
  if (ts !== undefined && staged.some((s) => s.timestamp === ts)) return readGroupManifest(deps.stagingRoot, req.group, ts);
  const there = remote.find((s) => s.timestamp === ts);
  if (store && there) return store.read(there, deps.signal);
  const where = [req.from !== 'remote' ? deps.stagingRoot : undefined, store && !remoteProblem ? store.display : undefined].filter(Boolean).join(' or ');
  throw new GroupManifestError(
    `group ${req.group}: no group backup${at ? ` at ${at}` : ''} in ${where || 'staging'}${all.length ? ` (there are: ${all.join(', ')})` : ''}${remoteProblem ? `; ${remoteProblem}` : ''}`,
  );
}

export async function restoreGroup(deps: GroupRestoreDeps, req: GroupRestoreRequest): Promise<GroupRestoreReport> {
  const started = Date.now();
  const say = deps.progress ?? (() => {});
  const manifest = await findGroupSet(deps, req);
  const byService = new Map(manifest.members.map((m) => [m.service, m]));
  const ordered = manifest.startOrder.map((s) => byService.get(s)!);
  const one = { ...deps, confirm: async () => true };
  // A backup's name in the catalog: its timestamp, except in a restic repository, which dates a snapshot by its
  // upload (a few seconds after the backup was made): there the set's backup is the snapshot whose manifest tag has
  // the set's timestamp and sha256.
  const catalogAt = new Map<string, string>();
  for (const m of manifest.members) {
    for (const b of m.backups) {
      const { entries } = await listBackups(deps.sources, { container: m.container, target: targetName(b) });
      const hit = entries.find((e) => e.timestamp === b.timestamp) ?? entries.find((e) => e.manifest?.timestamp === b.timestamp && e.manifest.sha256 === b.sha256);
      if (hit) catalogAt.set(`${targetKey(m.container, b)}/${b.timestamp}`, hit.timestamp);
    }
  }
  const asked = (m: GroupManifest['members'][number], b: GroupManifest['members'][number]['backups'][number]) => ({
    container: m.container, target: targetName(b), at: catalogAt.get(`${targetKey(m.container, b)}/${b.timestamp}`) ?? b.timestamp,
    ...(req.from ? { from: req.from } : {}), ...(req.noSafetyCopy ? { noSafetyCopy: true } : {}),
  });

  // 1. Found and proved, all of them, before anything is touched.
  const members: GroupRestoreMember[] = [];
  for (const m of ordered) {
    const backups: RestoreSummary[] = [];
    for (const b of m.backups) {
      const plan = await restore(one, { ...asked(m, b), dryRun: true });
      const { entry, side } = await locateBackup(deps.sources, asked(m, b));
      if (entry.manifest && entry.manifest.sha256 !== b.sha256) {
        throw new BackupNotFoundError(`group ${manifest.group} at ${manifest.timestamp}: ${m.container}/${targetName(entry)} ${b.timestamp} is not the backup of the set (sha256 ${entry.manifest.sha256}, the set has ${b.sha256}); nothing was touched`);
      }
      say(`proving ${m.container}/${plan.target} ${b.timestamp} (${side})…`);
      const copy = await fetchVerified(entry, side, deps.sources, { ...(deps.tmpRoot ? { tmpRoot: deps.tmpRoot } : {}), ...(deps.signal ? { signal: deps.signal } : {}) });
      try {
        await checkContent(copy.path, entry.compression, entry.type);
      } finally {
        await copy.cleanup();
      }
      backups.push(plan);
    }
    members.push({ service: m.service, container: m.container, backups });
  }
  const plan: GroupRestorePlan = { group: manifest.group, timestamp: manifest.timestamp, stopOrder: [...manifest.startOrder].reverse(), startOrder: manifest.startOrder, members };
  if (req.dryRun) return { ...plan, dryRun: true, restored: [], starts: [], durationMs: Date.now() - started };
  if (!(await (deps.confirm?.(plan) ?? Promise.resolve(false)))) throw new RestoreRefusedError(`group restore of ${manifest.group} not confirmed; nothing was touched`);

  const restored: RestoreReport[] = [];
  // The safety copies, all of them while the group still runs (the controller backs up only running containers).
  const safety = new Map<string, SafetyCopyReport>();
  const keyOf = (m: { container: string }, b: { type: string; instance: string }) => targetKey(m.container, b);
  for (const m of ordered) {
    for (const b of m.backups) {
      if (req.noSafetyCopy) continue;
      const target = targetName(b);
      if (!deps.safetyCopy) throw new SafetyCopyFailedError('this caller cannot take a safety copy; nothing was touched; restore with --no-safety-copy (the restore then cannot be undone)');
      try {
        const copy = await deps.safetyCopy(m.container, target, deps.signal);
        if (!('timestamp' in copy)) throw new Error(copy.unavailable);
        safety.set(keyOf(m, b), { taken: true, timestamp: copy.timestamp, rollback: rollbackCommand(m.container, target, copy.timestamp) });
        say(`safety copy ${m.container}/${target} at ${copy.timestamp}`);
      } catch (err) {
        const taken = [...safety.values()].map((x) => (x as { rollback: string }).rollback);
        throw new SafetyCopyFailedError(
          `could not take the safety copy of ${m.container}/${target} (${errorMessage(err)}); nothing was loaded and the group was not stopped${taken.length ? ` (safety copies already taken: ${taken.join(', ')})` : ''}. Fix that (is the controller running?), or restore with --no-safety-copy (the restore then cannot be undone)`,
          { cause: err },
        );
      }
    }
  }
  const load = async (m: GroupManifest['members'][number], b: GroupManifest['members'][number]['backups'][number]): Promise<void> => {
    const s = safety.get(keyOf(m, b));
    restored.push(await restore(one, { ...asked(m, b), ...(s ? { safety: s } : {}) }));
  };

  // 2. Stopped in stop order, each journaled first (ContainerHolds), with its place in the start order.
  const held = new Map<string, { id: string; release: Release; wasRunning: boolean }>();
  const starts: MemberStart[] = [];
  const startMember = async (m: GroupManifest['members'][number]): Promise<void> => {
    const h = held.get(m.service);
    if (!h) return;
    held.delete(m.service);
    await h.release();
    if (!h.wasRunning) return void starts.push({ service: m.service, containerName: m.container, result: 'left-stopped' });
    const t0 = Date.now();
    try {
      await waitMemberReady(deps.docker, manifest.group, { service: m.service, containerId: h.id, containerName: m.container }, { ...(deps.startTimeoutMs ? { startTimeoutMs: deps.startTimeoutMs } : {}), ...(deps.pollMs ? { pollMs: deps.pollMs } : {}) });
      starts.push({ service: m.service, containerName: m.container, result: 'started', readyMs: Date.now() - t0 });
      say(`started ${m.container} (${m.service})`);
    } catch (err) {
      starts.push({ service: m.service, containerName: m.container, result: 'failed', error: { code: errorCode(err), message: errorMessage(err) } });
      throw err;
    }
  };
  try {
    for (const m of [...ordered].reverse()) {
      deps.signal?.throwIfAborted();
      const info = await deps.docker.inspect(m.container);
      const rank = manifest.startOrder.indexOf(m.service);
      const release = await deps.holds.hold(info.id, info.name, deps.signal, undefined, { group: { name: manifest.group, rank } });
      held.set(m.service, { id: info.id, release, wasRunning: info.state.running });
      say(`stopped ${m.container} (${m.service})`);
    }
    // 3. Files while the whole group is down.
    for (const m of ordered) for (const b of m.backups.filter((x) => isCold(x.type))) await load(m, b);
    // 4. Started one by one, each member's databases loaded once it runs, before the members that depend on it.
    for (const m of ordered) {
      await startMember(m);
      const hot = m.backups.filter((x) => !isCold(x.type));
      if (hot.length > 0 && starts.at(-1)?.result !== 'started') {
        throw new RestoreRefusedError(`${m.container} was not running before the restore, so its ${hot.map((b) => targetName(b)).join(', ')} cannot be loaded; start it and run \`baqup restore --group ${manifest.group} --at ${manifest.timestamp}\` again`);
      }
      for (const b of hot) {
        await serverAnswers(deps, held.get(m.service)?.id ?? (await deps.docker.inspect(m.container)).id, m.container, b.type);
        await load(m, b);
      }
    }
  } catch (err) {
    // A load that failed midway may have changed its target too: every safety copy's rollback is named.
    const undo = [...safety.values()].map((x) => (x as { rollback: string }).rollback);
    const done = `${restored.length ? ` Restored before the failure: ${restored.map((r) => `${r.into}/${r.target}`).join(', ')}.` : ''}${undo.length ? ` To go back to the state before this restore: ${undo.join(' && ')}.` : req.noSafetyCopy ? ' No safety copies were taken (--no-safety-copy).' : ''}`;
    throw new RestoreFailedError(`group restore of ${manifest.group} at ${manifest.timestamp}: ${errorMessage(err)}.${done} Every member that was running is started again.`, { cause: err });
  } finally {
    // Every member still held is started, in start order, whatever happened.
    for (const m of ordered) {
      const h = held.get(m.service);
      if (!h) continue;
      held.delete(m.service);
      await h.release().catch(() => {});
    }
  }
  return { ...plan, dryRun: false, restored, starts, durationMs: Date.now() - started };
}
