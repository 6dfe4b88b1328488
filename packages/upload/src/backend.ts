// The off-host side as one strategy: rclone (a copy of the staging tree) or restic (a repository of snapshots).
// The pipeline's upload and prune operators, the restore sources and the controller's check cron see only this
// interface; which backend it is comes from the config, in exactly one place (backendFromConfig).
import { createReadStream } from 'node:fs';
import type { BackupManifest, ControllerConfig, LogFields, Logger, RetentionPolicy } from '@baqup/core';
import { ConfigError, errorCode, errorMessage, parseCompactTimestamp, targetKey, targetName } from '@baqup/core';
import { backupFiles } from '@baqup/stage';
import type { RemoteBackup } from './rclone-list.js';
import { createRcloneRemote, type RcloneRemote } from './rclone-remote.js';
import { displayRemote } from './remote-string.js';
import type { UploadReport } from './rclone-upload.js';
import type { ResticBackupReport } from './restic/restic-backup.js';
import { openResticRepository } from './restic/restic-queue.js';
import type { ResticRepository } from './restic/restic-repository.js';
import { manifestFromTags, manifestTag } from './restic/manifest-tag.js';
import { writeUploadMarker } from './upload-marker.js';
import { rcloneGroupStore, resticGroupStore, type GroupManifestStore } from './group-store.js';

/** One target × schedule: what retention and restic tags are about. */
export interface BackupRef {
  container: string;
  type: string;
  instance: string;
  schedule: string;
}

/** One complete staged backup to store off-host. */
export interface StoreRequest {
  /** Absolute path of the staged data file. */
  file: string;
  /** Path under the staging root (`container/type-instance/timestamp.ext`); rclone's remote path is the same. */
  relativePath: string;
  manifest: BackupManifest;
  /** Added to the backend's log lines (job_id, container, target, schedule). */
  fields: LogFields;
  /** Stored later than it was made (a retry of an earlier failed upload): restic dates the snapshot by the manifest. */
  retry?: boolean;
  signal?: AbortSignal;
}

export type StoreReport = UploadReport | ResticBackupReport;

/** What retention needs to know of a backup: its schedule and trigger (its group), and when it was made. */
export type RetentionFacts = Pick<BackupManifest, 'schedule' | 'trigger'> & { timestamp?: string };

/**
 * A side this process prunes itself, by prune's one retention arithmetic (the same for staging, an rclone remote
 * and a restic repository): its backups (path: a file, or a restic snapshot id) and how to remove one.
 */
export interface FilesSide {
  list(): Promise<Array<{ path: string; manifest?: RetentionFacts; time?: Date }>>;
  remove(path: string): Promise<void>;
  /** Fields of one entry's `prune.*` log lines besides its `path` (a restic snapshot's short id and repository). */
  logFields?(path: string): LogFields;
}

export interface ForgetRequest {
  /** Added to `prune.*` log lines. */
  fields: LogFields;
  /** Retention over a listed side: each backend hands its side (rclone files, restic snapshots) to prune's arithmetic. */
  byFiles: (side: FilesSide) => Promise<unknown>;
  signal?: AbortSignal;
}

/** Where a restore reads from. */
export type RestoreSource =
  | { kind: 'rclone'; remote: string; display: string; ops: RcloneRemote }
  | { kind: 'restic'; repo: ResticRepository };

export interface UploadBackend {
  readonly kind: 'rclone' | 'restic';
  /** For logs (`config.loaded`'s `remote`): credential-free. */
  readonly display: string;
  /** The `remote` an upload marker names: a staged backup without a marker for this key is still to be stored. */
  readonly markerKey: string;
  /** Opens (restic: creates when there is none) the store once at start; true when it can be used. Logs itself. */
  open(): Promise<boolean>;
  /** Copies one staged backup off-host, verifies it and writes its upload marker. Throws UploadFailedError. */
  store(request: StoreRequest): Promise<StoreReport>;
  /** Backups held off-host under `container/type-instance`. */
  list(prefix: string, signal?: AbortSignal): Promise<RemoteBackup[]>;
  /** Applies the schedule's retention off-host; never throws (failures are logged as `prune.failed`). */
  forget(ref: BackupRef, policy: RetentionPolicy, request: ForgetRequest): Promise<void>;
  /** Checks the store's integrity (restic check); absent when the backend has no such check. Throws when it fails. */
  check?(): Promise<void>;
  readonly source: RestoreSource;
  /** Backup group manifests next to the members' backups (group-store.ts). */
  readonly groups?: GroupManifestStore;
}

export function rcloneBackend(remote: RcloneRemote, configured: string): UploadBackend {
  return {
    kind: 'rclone',
    display: remote.display,
    markerKey: remote.display,
    open: async () => true,
    store: (r) => remote.upload(r.file, r.relativePath, r.signal, { fields: r.fields }),
    list: (prefix, signal) => remote.list(prefix, signal),
    forget: async (ref, _policy, r) => {
      const prefix = targetKey(ref);
      await r.byFiles({
        list: async () => (await remote.list(prefix, r.signal)).map((b) => ({ path: b.path, ...(b.manifest ? { manifest: b.manifest } : {}) })),
        // Data first, manifest last: an interrupted delete leaves a still-listed backup the next prune retries.
        remove: async (path) => {
          for (const p of backupFiles(path)) await remote.delete(p, r.signal);
        },
      });
    },
    groups: rcloneGroupStore(remote),
    // Restore joins root-relative paths (a legacy copy sits outside `{host}/`) to the remote's root display.
    source: { kind: 'rclone', remote: configured, display: displayRemote(configured), ops: remote },
  };
}

/** restic tags of a target × schedule: snapshots are found, grouped and forgotten by them. */
export const resticTags = (ref: BackupRef): string[] => [`container:${ref.container}`, `target:${targetName(ref)}`, `schedule:${ref.schedule}`];

export interface ResticBackendOptions {
  /**
   * false (`upload.restic.maintenance`): another instance maintains the shared repository, so this one never runs
   * `restic prune` (its forgets of its own snapshots stay) nor `restic check`. Default true.
   */
  maintenance?: boolean;
}

export function resticBackend(repo: ResticRepository, logger: Logger, display = `restic ${repo.display}`, options: ResticBackendOptions = {}): UploadBackend {
  const fields = { repository: repo.display };
  const maintenance = options.maintenance !== false;
  return {
    kind: 'restic',
    display,
    markerKey: `restic:${repo.display}`,
    open: () =>
      repo.init().then(
        (state) => {
          logger.info(state === 'created' ? 'restic repository ready (created: there was none)' : 'restic repository ready', { ...fields, event: 'restic.ready', state });
          return true;
        },
        (err: unknown) => {
          // init never creates over an existing repository it cannot open (wrong password): that stays an error here.
          logger.error('restic repository cannot be opened: every backup to it fails until this is fixed', {
            ...fields, event: 'restic.unavailable', error: { code: errorCode(err), message: errorMessage(err) },
          });
          return false;
        },
      ),
    store: async (r) => {
      const m = r.manifest;
      const ref = { container: m.container, type: m.type, instance: m.instance, schedule: m.schedule };
      const ext = m.file.slice(m.timestamp.length + 1);
      const report = await repo.backupStdin(createReadStream(r.file), {
        stdinFilename: `${targetKey(m.container, m)}.${ext}`,
        // The manifest rides along as a tag: the repository keeps no manifest file, and a drill checks against it.
        tags: [...resticTags(ref), manifestTag(m)],
        ...(r.retry ? timeOf(m) : {}),
        ...(r.signal ? { signal: r.signal } : {}),
      });
      await writeUploadMarker(r.file, { remote: `restic:${repo.display}`, relativePath: r.relativePath, sha256: m.sha256, verifiedBy: 'restic-snapshot', verifiedAt: new Date().toISOString() });
      logger.info('stored in restic repository', { event: 'upload.succeeded', ...r.fields, snapshot: report.snapshotId, bytes: report.bytesProcessed, bytes_added: report.bytesAdded });
      return report;
    },
    list: async (prefix) => {
      const [container, key] = prefix.split('/');
      const snaps = await repo.snapshots({ tags: [`container:${container}`, ...(key ? [`target:${key}`] : [])] });
      return snaps.map((s) => {
        const path = (s.paths[0] ?? '').replace(/^\//, '');
        return { path, remotePath: path, size: 0, modTime: s.time, hasSha256: false };
      });
    },
    // Retention by prune's arithmetic, not restic's --keep-*: restic would count manual runs and safety copies in the
    // schedule's buckets (seven manual backups would evict a week of dailies), and it cannot tell this host's
    // snapshots of a container from another host's of the same name. Each snapshot's manifest tag says its group.
    forget: async (ref, _policy, r) => {
      const side = resticRetentionSide(repo, ref);
      await r.byFiles(side);
      if (!maintenance) return;
      await side.finish().catch((err: unknown) =>
        logger.warn('restic prune failed', { event: 'prune.failed', ...r.fields, error: { code: errorCode(err), message: errorMessage(err) } }),
      );
    },
    ...(maintenance ? { check: () => repo.check() } : {}),
    source: { kind: 'restic', repo },
    groups: resticGroupStore(repo),
  };
}

/**
 * One target's snapshots of this host as a side for prune's retention: each with its manifest (from its manifest tag;
 * a snapshot from before manifest tags is taken as a scheduled one of its `schedule:` tag, dated by restic), removed
 * by `restic forget <id>`; finish() runs one `restic prune` when anything was forgotten.
 */
export function resticRetentionSide(repo: ResticRepository, ref: Omit<BackupRef, 'schedule'>): FilesSide & { finish(): Promise<void> } {
  let forgotten = 0;
  return {
    list: async () => {
      const snaps = await repo.snapshots({ tags: [`container:${ref.container}`, `target:${targetName(ref)}`], host: repo.host });
      return snaps.flatMap((s) => {
        const manifest = manifestFromTags(s.tags);
        if (manifest) return [{ path: s.id, manifest, time: s.time }];
        const schedule = s.tags.find((t) => t.startsWith('schedule:'))?.slice('schedule:'.length);
        return schedule ? [{ path: s.id, manifest: { schedule }, time: s.time }] : [];
      });
    },
    logFields: (id) => ({ snapshot: id.slice(0, 8), repository: repo.display }),
    remove: async (id) => {
      await repo.forgetSnapshots([id]);
      forgotten++;
    },
    finish: async () => {
      if (forgotten > 0) await repo.prune();
    },
  };
}

/** A retried backup's snapshot is dated when the backup was made, so retention buckets it where it belongs. */
function timeOf(m: BackupManifest): { time?: Date } {
  const time = parseCompactTimestamp(m.timestamp);
  return time ? { time } : {};
}

/** The restic repository the config names, as the process's one queued object for it. */
export function resticRepositoryFromConfig(config: ControllerConfig, logger: Logger): ResticRepository {
  const r = config.upload.restic;
  const host = resolvedHost(config, 'resticRepositoryFromConfig');
  if (!r.repository) throw new ConfigError('upload.restic.repository is required when upload.backend is restic', ['/upload/restic/repository: required']);
  return openResticRepository({
    repository: r.repository,
    ...(r.password ? { password: r.password } : {}),
    ...(r.password_file ? { passwordFile: r.password_file } : {}),
    host,
    logger,
    timeZone: config.timezone,
    staleLockAgeSeconds: r.stale_lock_minutes * 60,
  });
}

/** The configured backend: an rclone remote (default), or a restic repository. Throws ConfigError on a bad config. */
export function backendFromConfig(config: ControllerConfig, logger: Logger): UploadBackend {
  const u = config.upload;
  if (u.backend === 'restic') {
    return resticBackend(resticRepositoryFromConfig(config, logger), logger, `restic ${(u.restic.repository ?? '').replace(/\/\/[^@/]*@/, '//***@')}`, { maintenance: u.restic.maintenance });
  }
  const remote = createRcloneRemote({ remote: u.remote, host: resolvedHost(config, 'backendFromConfig'), ...(u.bwlimit ? { bwlimit: u.bwlimit } : {}), retries: u.retries, logger });
  return rcloneBackend(remote, u.remote);
}

/**
 * `config.host` must be resolved first (resolveHost from @baqup/docker): it names this controller's directory on the
 * remote (`{remote}/{host}`) and its restic snapshots' `--host`; guessing it here (os.hostname() is a container id)
 * would write and look in the wrong place (docs/adr/0007-remote-host-layout.md).
 */
function resolvedHost(config: ControllerConfig, caller: string): string {
  if (!config.host) throw new TypeError(`${caller}: config.host is not resolved (call resolveHost first)`);
  return config.host;
}
