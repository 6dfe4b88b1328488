// One restore: find the backup (staging first, else the remote or restic), prove its bytes (sha256 against the
// manifest, then read to its end in its format) BEFORE anything is touched, ask, then load it through the Docker
// API with the engine's loader. Containers stopped for it are journalled and started again on every path.
//
// Safety copy: after the confirmation and before anything is touched, the current state of the destination target
// is backed up through the normal backup path (deps.safetyCopy: the controller's queue, trigger `safety`, its own
// retention, listed by `baqup ls`, never pruned by the schedule's). The report and any later failure name the
// command that rolls back to it. `noSafetyCopy` skips it, and the report says what that means.
//
// Into a new container (`create` with `into`): after the backup was proven and the restore confirmed, baqup creates
// the container `into` like the source (deps.createContainer: its image and config, network none, fresh volumes,
// labels without backup.*), loads the backup into it and leaves it running. There is nothing to lose in it, so no
// safety copy; a failed load removes it again, so no half-restored container is left behind.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorCode, errorMessage, targetName, type ControllerDefaults, type Logger, type Secret, type TargetConfig, type TargetType } from '@baqup/core';
import { DockerNotFoundError, type ContainerInfo, type DockerClient } from '@baqup/docker';
import { resolveCredential, restorePlan, type ContainerHolds } from '@baqup/dump';
import { listBackups, type BackupEntry } from './catalog.js';
import { checkContent } from './content.js';
import { resolveDestination } from './destination.js';
import { BackupNotFoundError, RestoreFailedError, RestoreRefusedError, SafetyCopyFailedError } from './errors.js';
import { fetchVerified, sidesOf, type Side } from './fetch.js';
import { LOADERS } from './loaders/index.js';
import { pickAt } from './select.js';
import type { BackupSources } from './sources.js';

export interface RestoreRequest {
  /** The container the backup was taken of (backups are filed under its name). */
  container: string;
  /** `type-instance` or instance. */
  target: string;
  /** `latest` (default), a compact or ISO timestamp, or a restic snapshot id. */
  at?: string;
  /** `remote` means the rclone remote or the restic repository. */
  from?: 'staging' | 'remote';
  /** Load into this container instead (e.g. a fresh, empty one). */
  into?: string;
  /** `into` does not exist yet: create it like the source container (deps.createContainer) and load into it. */
  create?: boolean;
  dryRun?: boolean;
  /** Skip the safety copy of the state the restore replaces (the restore then cannot be undone by baqup). */
  noSafetyCopy?: boolean;
  /** The safety copy already taken of this target (a group restore takes them all before it stops the group). */
  safety?: SafetyCopyReport;
}

/** A backup taken of the state a restore replaces. */
export type SafetyCopy = { timestamp: string; path?: string } | { unavailable: string };

/** What became of the safety copy: taken (with the rollback command), or skipped and why. */
export type SafetyCopyReport = { taken: true; timestamp: string; rollback: string } | { taken: false; why: string };

export interface RestoreSummary {
  container: string;
  target: string;
  timestamp: string;
  file: string;
  size?: number;
  side: Side;
  into: string;
  configFrom: string;
  steps: string[];
  notes: string[];
}

export interface RestoreReport extends RestoreSummary {
  dryRun: boolean;
  checksum?: string;
  content?: string;
  /** What the loader did and skipped. */
  done: string[];
  safety?: SafetyCopyReport;
  /** The container this restore created (`create`), running with the backup loaded. */
  created?: { name: string; id: string };
  durationMs: number;
}

/** What a restore into a new container asks its caller to create. */
export interface NewContainerRequest {
  /** The container backed up: its image and config are copied. */
  source: ContainerInfo;
  name: string;
  /** The target being restored (a server engine must be started and ready before its load). */
  target: TargetConfig;
  signal?: AbortSignal;
}

export interface RestoreDeps {
  docker: DockerClient;
  sources: BackupSources;
  defaults: ControllerDefaults;
  holds: ContainerHolds;
  logger: Logger;
  /** Asked after the backup was verified and before anything is touched; false or absent refuses (except dry runs). */
  confirm?: (summary: RestoreSummary) => Promise<boolean>;
  /** Human progress lines (the CLI prints them to stderr). */
  progress?: (line: string) => void;
  tmpRoot?: string;
  signal?: AbortSignal;
  /**
   * Backs up `container`'s target (`type-instance`) now, through the normal backup path with trigger `safety`;
   * resolves the new backup's timestamp, or `unavailable` when baqup does not back that container up (allowed only
   * for `--into`). Absent: restores (other than dry runs) need `noSafetyCopy`.
   */
  safetyCopy?: (container: string, target: string, signal?: AbortSignal) => Promise<SafetyCopy>;
  /**
   * Creates the new container of a `create` restore like its source; for a server engine (postgres, mariadb, mongo,
   * redis) it also starts it and resolves once it takes its client, for files (fs, sqlite) it leaves it created (the
   * restore loads the files, then starts it). Absent: `create` is refused.
   */
  createContainer?: (req: NewContainerRequest) => Promise<{ id: string }>;
  /**
   * Keeps the controller's backups and drills of `container`'s target (`type-instance`) waiting while the restore
   * loads (a cold backup would stop the container mid-load, or keep a half-restored state as the newest backup);
   * taken after the safety copy, released on every path. Absent: nothing is held.
   */
  holdTarget?: (container: string, target: string, signal?: AbortSignal) => Promise<() => Promise<void>>;
}

/** A new container's description in plans and reports. */
export const NEW_CONTAINER_MEANING = 'network none, no published ports, no restart policy, fresh empty volumes, the labels of the source without backup.* (so baqup does not back it up)';

const isFiles = (type: TargetType) => type === 'fs' || type === 'sqlite';

/** The command that loads the safety copy back (an ordinary restore of that backup, in place). */
export function rollbackCommand(container: string, target: string, timestamp: string): string {
  return `baqup restore ${container} ${target} --at ${timestamp} --yes`;
}

export const NO_SAFETY_COPY_MEANING = 'no safety copy was taken (--no-safety-copy): the state this restore replaces is not kept, and baqup cannot undo the restore';

/** The backup a request means, and the side it will be read from. */
export async function locateBackup(sources: BackupSources, req: RestoreRequest): Promise<{ entry: BackupEntry; side: Side }> {
  const { entries, problems } = await listBackups(sources, { container: req.container, target: req.target });
  const kinds = new Set(entries.map((e) => targetName(e)));
  const where = problems.length > 0 ? ` (could not list: ${problems.map((p) => `${p.source}: ${p.message}`).join('; ')})` : '';
  if (kinds.size === 0) throw new BackupNotFoundError(`no backup of ${req.container}/${req.target} in staging or on the remote${where}; see \`baqup ls ${req.container}\``);
  if (kinds.size > 1) throw new BackupNotFoundError(`"${req.target}" names several targets of ${req.container}: ${[...kinds].join(', ')}; use type-instance`);
  const usable = entries.filter((e) => (req.from === 'staging' ? e.staging : req.from === 'remote' ? e.remote ?? e.restic : true));
  // `latest` is the newest backup that is not a safety copy: those are the state a restore replaced, loaded back
  // only when named (`--at`, the rollback command a restore prints).
  const latest = req.at === undefined || req.at === 'latest';
  const entry = pickAt(latest ? usable.filter((e) => e.manifest?.trigger !== 'safety') : usable, req.at);
  if (!entry) {
    const recent = usable.slice(-5).map((e) => e.restic ? `${e.timestamp} (restic ${e.restic.shortId})` : e.timestamp);
    throw new BackupNotFoundError(
      `no backup of ${req.container}/${[...kinds][0]} at ${req.at ?? 'latest'}${req.from ? ` in ${req.from}` : ''}; ${recent.length ? `latest: ${recent.join(', ')}` : 'none there'}${where}`,
    );
  }
  const sides = sidesOf(entry).filter((s) => (req.from === 'staging' ? s === 'staging' : req.from === 'remote' ? s !== 'staging' : true));
  return { entry, side: sides[0]! };
}

function describeSteps(type: TargetType, side: Side, entry: BackupEntry, plan: ReturnType<typeof restorePlan>): string[] {
  const steps = [
    side === 'staging'
      ? `read the staged file ${entry.staging?.path}`
      : side === 'remote'
        ? `download ${entry.remote?.path} and its manifest with rclone copyto to a temp dir`
        : `restic dump ${entry.restic?.path} from snapshot ${entry.restic?.shortId} to a temp file`,
    side === 'restic' ? 'read it in full (restic authenticates every blob)' : 'check its sha256 against the manifest',
    `decompress it to its end and check it is a complete ${type} dump${type === 'fs' ? ' with every entry inside the target path' : ''}`,
  ];
  for (const s of plan.steps) steps.push(`${s.description}${s.argv ? `: ${s.argv.join(' ')}` : ''}${s.path ? ` (${s.path})` : ''}${s.env?.length ? ` [env ${s.env.join(', ')}]` : ''}`);
  return steps;
}

export async function restore(deps: RestoreDeps, req: RestoreRequest): Promise<RestoreReport> {
  const started = Date.now();
  const say = deps.progress ?? (() => {});
  const { entry, side } = await locateBackup(deps.sources, req);
  const targetKey = targetName(entry);
  const creating = req.create === true;
  if (creating) await refuseCreate(deps, req);
  // Creating: the source is the destination's model (its target config, its labels) until the new one exists.
  let dest = await resolveDestination(deps.docker, deps.defaults, { container: req.container, ...(req.into && !creating ? { into: req.into } : {}), type: entry.type, instance: entry.instance });
  const plan = restorePlan(dest.target);
  const newName = creating ? req.into! : undefined;
  const summary: RestoreSummary = {
    container: entry.container,
    target: targetKey,
    timestamp: entry.timestamp,
    file: entry.file,
    ...(entry.size !== undefined ? { size: entry.size } : {}),
    side,
    into: newName ?? dest.info.name,
    configFrom: newName ? `${dest.configFrom} (the new container has them without backup.*)` : dest.configFrom,
    steps: [
      ...describeSteps(entry.type, side, entry, plan).slice(0, 3),
      newName
        ? `create the container ${newName} like ${dest.info.name} (image ${dest.info.image}, its command and env; ${NEW_CONTAINER_MEANING})${isFiles(entry.type) ? '' : ', start it and wait until it is ready'}; no safety copy: it is new, there is nothing in it to lose`
        : req.noSafetyCopy
          ? `no safety copy (--no-safety-copy): the current ${targetKey} of ${dest.info.name} is not kept`
          : `back up the current ${targetKey} of ${dest.info.name} first (a safety copy, trigger safety), through the controller`,
      ...describeSteps(entry.type, side, entry, plan).slice(3),
      ...(newName && isFiles(entry.type) ? [`start ${newName}`] : []),
    ],
    notes: plan.notes,
  };
  if (req.dryRun) return { ...summary, dryRun: true, done: [], durationMs: Date.now() - started };

  const fields = { container: newName ?? dest.info.name, target: targetKey, source_container: entry.container, timestamp: entry.timestamp, side };
  deps.logger.info('restore started', { event: 'restore.started', ...fields });
  const tmpDir = await mkdtemp(join(deps.tmpRoot ?? tmpdir(), 'baqup-load-'));
  const done: string[] = [];
  let created: { name: string; id: string } | undefined;
  try {
    say(`fetching ${entry.file} from ${side}…`);
    const copy = await fetchVerified(entry, side, deps.sources, { ...(deps.tmpRoot ? { tmpRoot: deps.tmpRoot } : {}), ...(deps.signal ? { signal: deps.signal } : {}) });
    try {
      say(`checksum: ${copy.checksum}`);
      const content = await checkContent(copy.path, entry.compression, entry.type, entry.type === 'fs' ? dest.target.path : undefined);
      say(`content: ${content.format}`);
      if (!(await (deps.confirm?.(summary) ?? Promise.resolve(false)))) throw new RestoreRefusedError('restore not confirmed; nothing was touched');
      if (newName) {
        say(`creating ${newName} like ${dest.info.name}…`);
        const { id } = await deps.createContainer!({ source: dest.info, name: newName, target: dest.target, ...(deps.signal ? { signal: deps.signal } : {}) }).catch(async (err: unknown) => {
          // A container half-created (created, then its start or readiness failed) is removed: it holds nothing.
          await removeQuietly(deps, newName);
          throw new RestoreFailedError(`could not create ${newName} like ${dest.info.name}: ${errorMessage(err)}; nothing was restored and no container is left`, { cause: err });
        });
        created = { name: newName, id };
        dest = await resolveDestination(deps.docker, deps.defaults, { container: req.container, into: newName, type: entry.type, instance: entry.instance });
      }
      const safety: SafetyCopyReport = newName ? { taken: false, why: `no safety copy: ${newName} is a new container, there is nothing in it to lose` } : await takeSafetyCopy(deps, req, dest.name, targetKey);
      if (safety.taken) say(`safety copy ${dest.name}/${targetKey} at ${safety.timestamp}; to undo this restore: ${safety.rollback}`);
      else say(safety.why);
      let password: Secret | undefined;
      if (dest.target.password) password = await resolveCredential(deps.docker, dest.info.id, dest.target.password, { containerName: dest.info.name });
      // A new container is not backed up: nothing to hold.
      const release = deps.holdTarget && !created ? await holdFor(deps, dest.name, targetKey, say) : async () => {};
      try {
        const running = (await deps.docker.inspect(dest.info.id)).state.running;
        say(`loading into ${dest.info.name}…`);
        await loadOrSayRollback(safety, deps.signal, () => LOADERS[entry.type]({
          docker: deps.docker,
          containerId: dest.info.id,
          containerName: dest.info.name,
          running,
          target: dest.target,
          stop: dest.stop,
          ...(password ? { password } : {}),
          holds: deps.holds,
          file: copy.path,
          compression: entry.compression,
          ...(copy.manifest ? { manifest: copy.manifest } : {}),
          format: content.format,
          tmpDir,
          signal: deps.signal ?? new AbortController().signal,
          logger: deps.logger,
          note: (line) => {
            done.push(line);
            say(line);
          },
        }));
        if (created && !running) {
          await deps.docker.start(created.id, deps.signal);
          done.push(`started ${created.name}`);
        }
      } finally {
        await release();
      }
      const report: RestoreReport = { ...summary, dryRun: false, checksum: copy.checksum, content: content.format, done, safety, ...(created ? { created } : {}), durationMs: Date.now() - started };
      deps.logger.info('restore finished', { event: 'restore.finished', ...fields, duration_ms: report.durationMs });
      return report;
    } finally {
      await copy.cleanup();
    }
  } catch (err) {
    // A new container whose load failed holds a half-restored copy: removed, so nothing half-written stays visible.
    const removed = created ? await removeQuietly(deps, created.id) : undefined;
    deps.logger.error('restore failed', { event: 'restore.failed', ...fields, error: { code: errorCode(err), message: errorMessage(err) } });
    if (created) {
      const left = removed ? `${created.name} was removed again` : `${created.name} could not be removed: remove it with docker rm -f ${created.name}`;
      throw new RestoreFailedError(`${errorMessage(err)}; ${left}`, { cause: err });
    }
    throw err;
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/** A `create` restore needs its name, the caller's createContainer, and no container by that name yet. */
async function refuseCreate(deps: RestoreDeps, req: RestoreRequest): Promise<void> {
  if (!req.into) throw new RestoreRefusedError('a restore into a new container needs its name (into)');
  if (!deps.createContainer) throw new RestoreRefusedError('this caller cannot create containers; create it yourself and restore into it');
  if (req.into === req.container) throw new RestoreRefusedError(`the new container cannot have the source's name "${req.container}"`);
  try {
    await deps.docker.inspect(req.into);
  } catch (err) {
    if (err instanceof DockerNotFoundError) return;
    throw err;
  }
  throw new RestoreRefusedError(`a container named "${req.into}" exists already; choose another name for the new container, or restore into that one (without create)`);
}

/** True when the container is gone (removed now or already). */
async function removeQuietly(deps: RestoreDeps, id: string): Promise<boolean> {
  try {
    await deps.docker.removeContainer(id);
    return true;
  } catch (err) {
    deps.logger.error(`could not remove the container ${id} a failed restore created`, { event: 'restore.failed', container: id, error: { code: errorCode(err), message: errorMessage(err) } });
    return false;
  }
}

async function takeSafetyCopy(deps: RestoreDeps, req: RestoreRequest, container: string, target: string): Promise<SafetyCopyReport> {
  if (req.safety) return req.safety;
  if (req.noSafetyCopy) return { taken: false, why: NO_SAFETY_COPY_MEANING };
  if (!deps.safetyCopy) throw new SafetyCopyFailedError('this caller cannot take a safety copy; nothing was touched; restore with --no-safety-copy (the restore then cannot be undone)');
  try {
    const copy = await deps.safetyCopy(container, target, deps.signal);
    if ('timestamp' in copy) return { taken: true, timestamp: copy.timestamp, rollback: rollbackCommand(container, target, copy.timestamp) };
    // Only --into a container baqup does not back up (a fresh one): it has no history a restore could lose.
    if (!req.into) throw new Error(copy.unavailable);
    return { taken: false, why: `no safety copy: ${copy.unavailable}` };
  } catch (err) {
    throw new SafetyCopyFailedError(
      `could not take the safety copy of ${container}/${target} (${errorMessage(err)}); nothing was touched. Fix that (is the controller running?), or restore with --no-safety-copy (the restore then cannot be undone)`,
      { cause: err },
    );
  }
}

/** The target held for the load (deps.holdTarget); a failure to hold it touches nothing. */
async function holdFor(deps: RestoreDeps, container: string, target: string, say: (line: string) => void): Promise<() => Promise<void>> {
  say(`holding the controller's backups of ${container}/${target} until the restore ends…`);
  return deps.holdTarget!(container, target, deps.signal);
}

/** Runs the load; a failure says how to roll back to the safety copy (or that there is none). */
async function loadOrSayRollback(safety: SafetyCopyReport, signal: AbortSignal | undefined, load: () => Promise<void>): Promise<void> {
  try {
    await load();
  } catch (err) {
    const how = safety.taken ? `roll back to the state before the restore with: ${safety.rollback}` : 'no safety copy was taken (--no-safety-copy): baqup cannot roll it back';
    // Interrupted (Ctrl-C, SIGTERM): say so, not the AbortError of whichever stream or request noticed first.
    const why = signal?.aborted && signal.reason instanceof Error ? signal.reason.message : errorMessage(err);
    throw new RestoreFailedError(`${why}; ${how}`, { cause: err });
  }
}
