// rclone as the upload backend: copy a staged backup to `{remote}/{host}/{relativePath}` (data, .sha256, manifest
// last, so a manifest on the remote means complete), read back what landed, and list/delete for prune. Every
// operation stays under this controller's host directory; only listLegacy and adoptLegacy look at the remote root.
import type { Logger, Secret } from '@baqup/core';
import { backupFiles, remotePath, safeSegment } from '@baqup/stage';
import { credentialParams, displayRemote, joinRemote, remoteSecrets } from './remote-string.js';
import { readFile } from 'node:fs/promises';
import { RemoteConfigError, UploadFailedError } from './errors.js';
import { makeRclone } from './rclone-exec.js';
import { listRemote, type RemoteBackup } from './rclone-list.js';
import { uploadStaged, type UploadOptions, type UploadReport } from './rclone-upload.js';

export interface RcloneRemoteOptions {
  /** `name:path`, a local path, or a connection string without credentials (`:sftp,host=h:path`). */
  remote: string;
  /**
   * This controller's directory on the remote (config `host`): every path is `{remote}/{host}/…`, so controllers
   * sharing a remote never list, replace or prune each other's backups. Omit (or empty) for the legacy root layout.
   */
  host?: string;
  /** rclone `--bwlimit` value, e.g. `10M` or `08:00,512k 19:00,off`. */
  bwlimit?: string;
  /** rclone `--retries` (whole-operation retries), default 3. */
  retries?: number;
  /** rclone `--low-level-retries`, default 10. */
  lowLevelRetries?: number;
  /** How often rclone reports progress (`upload.progress`), default 10 s. */
  statsIntervalSeconds?: number;
  /** `hash`: the remote's sha256 when the backend has one, else download; `download`: always read the bytes back. */
  verify?: 'hash' | 'download';
  logger: Logger;
  /** rclone config file (`--config`); credentials live there or in `env`. */
  configPath?: string;
  /** Extra env for rclone, e.g. `RCLONE_CONFIG_MYREMOTE_PASS` (obscured) as a Secret. */
  env?: Readonly<Record<string, string | Secret>>;
  rcloneBin?: string;
  /** Kills any single rclone command running longer than this (default: none). */
  timeoutMs?: number;
}

/** What adoptLegacy did with one legacy backup. */
export interface AdoptedBackup {
  /** Path under the remote root before (`container/type-instance/file`). */
  from: string;
  /** Path under the remote root after (`host/container/type-instance/file`). */
  to: string;
  outcome: 'moved' | 'already-there' | 'conflict' | 'incomplete';
}

export interface RcloneRemote {
  /** This controller's root on the remote (`{remote}/{host}`), connection parameters stripped: the only form that reaches logs, errors and markers. */
  readonly display: string;
  /** The host directory (safe segment), or '' for the legacy layout. */
  readonly host: string;
  /** Upload and verify one staged backup; writes its upload marker (markerPath) once verified. Throws UploadFailedError. */
  upload(stagedFile: string, relativePath: string, signal?: AbortSignal, options?: UploadOptions): Promise<UploadReport>;
  /** This host's backups (data files) under `prefix`, with their manifests; a missing directory is empty. Throws RemoteListFailedError. */
  list(prefix: string, signal?: AbortSignal): Promise<RemoteBackup[]>;
  /** Backups at the remote root from before remotes carried host names (`legacy: true`); empty when there is no host. */
  listLegacy(prefix: string, signal?: AbortSignal): Promise<RemoteBackup[]>;
  /** Delete one file of this host's; a file already gone is not an error. Throws RemoteListFailedError. */
  delete(relativePath: string, signal?: AbortSignal): Promise<void>;
  /** Copies one small file (a group manifest) to `relativePath` under the host and reads it back: the same bytes, or UploadFailedError. */
  putSmall(localFile: string, relativePath: string, signal?: AbortSignal): Promise<void>;
  /** The text of one file under the host. Throws UploadFailedError. */
  readText(relativePath: string, signal?: AbortSignal): Promise<string>;
  /** The files under directory `relativePath` of the host (paths relative to it); empty when there is no such directory. */
  files(relativePath: string, signal?: AbortSignal): Promise<string[]>;
  /**
   * Moves legacy backups under this host (data, .sha256, manifest last). A complete backup whose name is free moves;
   * one whose hosted copy exists with the same sha256 loses its legacy duplicate; a different one (conflict) or an
   * incomplete one (no manifest) is left where it is. `dryRun` reports without touching anything.
   */
  adoptLegacy(options?: { prefix?: string; dryRun?: boolean; signal?: AbortSignal }): Promise<AdoptedBackup[]>;
}

/** Validates the remote (no credentials in it) and returns its operations. */
export function createRcloneRemote(options: RcloneRemoteOptions): RcloneRemote {
  const leaked = credentialParams(options.remote);
  if (leaked.length > 0) {
    throw new RemoteConfigError(
      `remote ${displayRemote(options.remote)} carries ${leaked.join(', ')} in its connection string, which would put it in ` +
        `rclone's argv; configure it in rclone.conf or as RCLONE_CONFIG_<NAME>_${leaked[0]?.toUpperCase()} instead`,
    );
  }
  const host = options.host ? safeSegment(options.host) : '';
  const rootDisplay = displayRemote(options.remote);
  const display = host === '' ? rootDisplay : joinRemote(rootDisplay, host);
  const rclone = makeRclone({
    bin: options.rcloneBin ?? 'rclone',
    configPath: options.configPath,
    env: options.env,
    secrets: remoteSecrets(options.remote),
    timeoutMs: options.timeoutMs,
  });
  const ctx = { ...options, display, rclone, path: (rel: string) => joinRemote(options.remote, remotePath(host, rel)) };
  const rootCtx = { display: rootDisplay, rclone, path: (rel: string) => joinRemote(options.remote, rel) };
  const listLegacy = (prefix: string, signal?: AbortSignal): Promise<RemoteBackup[]> =>
    host === '' ? Promise.resolve([]) : listRemote(rootCtx, prefix, signal, { under: '', legacy: true });
  const list = (prefix: string, signal?: AbortSignal): Promise<RemoteBackup[]> => listRemote(ctx, prefix, signal, { under: host === '' ? '' : `${host}/` });

  return {
    display,
    host,
    upload: (stagedFile, relativePath, signal, uploadOptions) => uploadStaged(ctx, stagedFile, relativePath, signal, uploadOptions),
    list,
    listLegacy,
    delete: async (relativePath, signal) => {
      await rclone.deleteFile(ctx.path(relativePath), display, signal);
      options.logger.debug('remote file deleted', { remote: display, path: relativePath });
    },
    putSmall: async (localFile, relativePath, signal) => {
      const want = await readFile(localFile, 'utf8');
      const shown = joinRemote(display, relativePath);
      await rclone.copyTo(localFile, ctx.path(relativePath), shown, { retries: options.retries ?? 3, lowLevelRetries: options.lowLevelRetries ?? 10, statsIntervalSeconds: 60, bwlimit: options.bwlimit, signal });
      const got = await rclone.cat(ctx.path(relativePath), shown, signal);
      if (got !== want) throw new UploadFailedError(`${shown} does not read back as it was written (${got.length} bytes, ${want.length} sent)`);
    },
    readText: (relativePath, signal) => rclone.cat(ctx.path(relativePath), joinRemote(display, relativePath), signal),
    files: async (relativePath, signal) => ((await rclone.lsjson(ctx.path(relativePath), joinRemote(display, relativePath), signal)) ?? []).map((e) => e.Path),
    adoptLegacy: async (o = {}) => {
      const out: AdoptedBackup[] = [];
      if (host === '') return out;
      const hosted = new Map((await list(o.prefix ?? '', o.signal)).map((b) => [b.path, b]));
      for (const b of await listLegacy(o.prefix ?? '', o.signal)) {
        const to = remotePath(host, b.path);
        const there = hosted.get(b.path);
        // A hosted copy without a manifest is a torn earlier adoption (or upload): it is replaced.
        const outcome: AdoptedBackup['outcome'] =
          b.manifest === undefined ? 'incomplete'
          : there?.manifest === undefined ? 'moved'
          : there.manifest.sha256 === b.manifest.sha256 ? 'already-there'
          : 'conflict';
        out.push({ from: b.path, to, outcome });
        if (o.dryRun || outcome === 'incomplete' || outcome === 'conflict') continue;
        // Copy all (manifest last: the hosted copy is complete only once everything landed), then remove the
        // legacy files data first, as prune does. Cut short anywhere, a complete copy is left on one side at least.
        const [data, sha256, manifest] = backupFiles(b.path);
        const files = b.hasSha256 ? [data, sha256, manifest] : [data, manifest];
        if (outcome === 'moved') {
          for (const file of files) await rclone.copyWithin(rootCtx.path(file), rootCtx.path(remotePath(host, file)), rootDisplay, o.signal);
        }
        for (const file of files) await rclone.deleteFile(rootCtx.path(file), rootDisplay, o.signal);
        options.logger.info('legacy backup adopted', { remote: rootDisplay, path: b.path, to, outcome });
      }
      return out;
    },
  };
}

export type { UploadReport, UploadOptions, RemoteBackup };
