// A verified local copy of one backup, before anything is touched: the staged file checked against its manifest,
// a remote file downloaded with `rclone copyto` (with its manifest) and checked, or a restic snapshot's file
// dumped to a temp file (restic authenticates every blob it reads; there is no manifest in the repository).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BackupManifest } from '@baqup/core';
import { runProcess } from '@baqup/proc';
import { MANIFEST_SUFFIX, readManifest } from '@baqup/stage';
import { joinRemote, sha256File } from '@baqup/upload';
import type { BackupEntry } from './catalog.js';
import { ChecksumMismatchError, FetchFailedError } from './errors.js';
import type { BackupSources } from './sources.js';

export type Side = 'staging' | 'remote' | 'restic';

export interface LocalCopy {
  path: string;
  side: Side;
  manifest?: BackupManifest;
  /** How the bytes were proven: `sha256 <hex> matches the manifest` or the restic note. */
  checksum: string;
  sha256?: string;
  /** Removes the temp copy (nothing for a staged file). */
  cleanup(): Promise<void>;
}

export interface FetchOptions {
  /** Parent of the temp directory for downloads; default the OS temp dir. */
  tmpRoot?: string;
  signal?: AbortSignal;
}

/** The sides an entry can be read from, in preference order (staging first: no download). */
export function sidesOf(entry: BackupEntry): Side[] {
  const sides: Side[] = [];
  if (entry.staging) sides.push('staging');
  if (entry.remote) sides.push('remote');
  if (entry.restic) sides.push('restic');
  return sides;
}

async function checked(path: string, manifest: BackupManifest | undefined, what: string): Promise<{ sha256: string; checksum: string }> {
  if (!manifest?.sha256) throw new ChecksumMismatchError(`${what} has no manifest with a sha256 (incomplete backup); refusing to use it`);
  const actual = await sha256File(path);
  if (actual !== manifest.sha256) {
    throw new ChecksumMismatchError(`${what} is corrupt: its sha256 is ${actual}, the manifest records ${manifest.sha256}`);
  }
  return { sha256: actual, checksum: `sha256 ${actual} matches the manifest` };
}

export async function fetchVerified(entry: BackupEntry, side: Side, sources: BackupSources, options: FetchOptions = {}): Promise<LocalCopy> {
  if (side === 'staging') {
    const staged = entry.staging;
    if (!staged) throw new FetchFailedError(`${entry.file} has no staged copy`);
    const manifest = await readManifest(staged.path);
    if (staged.sidecarSha256 && manifest && staged.sidecarSha256 !== manifest.sha256) {
      throw new ChecksumMismatchError(`staged ${staged.path}: its .sha256 sidecar and manifest disagree`);
    }
    const proof = await checked(staged.path, manifest, `staged file ${staged.path}`).catch((err: unknown) => {
      // Never fall back silently: say where an intact copy may be.
      if (err instanceof ChecksumMismatchError && entry.remote) throw new ChecksumMismatchError(`${err.message}; the remote copy may be intact: retry with --from remote`);
      throw err;
    });
    return { path: staged.path, side, ...(manifest ? { manifest } : {}), ...proof, cleanup: async () => {} };
  }

  const dir = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'baqup-restore-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const local = join(dir, entry.file);
    if (side === 'remote') {
      const rclone = sources.rclone;
      if (!rclone || !entry.remote) throw new FetchFailedError(`${entry.file} has no remote copy`);
      const copy = async (rel: string, to: string) => {
        try {
          await runProcess({ command: 'rclone', args: ['copyto', joinRemote(rclone.remote, rel), to], ...(options.signal ? { signal: options.signal } : {}) });
        } catch (err) {
          throw new FetchFailedError(`rclone could not download ${joinRemote(rclone.display, rel)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      };
      await copy(`${entry.remote.path}${MANIFEST_SUFFIX}`, `${local}${MANIFEST_SUFFIX}`).catch(() => undefined);
      const manifest = await readManifest(local);
      if (!manifest) throw new ChecksumMismatchError(`remote ${joinRemote(rclone.display, entry.remote.path)} has no readable manifest (upload incomplete?); refusing to use it`);
      await copy(entry.remote.path, local);
      const proof = await checked(local, manifest, `remote copy ${joinRemote(rclone.display, entry.remote.path)}`);
      return { path: local, side, manifest, ...proof, cleanup };
    }
    const restic = sources.restic;
    if (!restic || !entry.restic) throw new FetchFailedError(`${entry.file} is not a restic snapshot`);
    try {
      await pipeline(restic.dump(entry.restic.snapshotId, entry.restic.path, options.signal), createWriteStream(local));
    } catch (err) {
      throw new FetchFailedError(`restic dump of snapshot ${entry.restic.shortId} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const sha256 = await sha256File(local);
    return {
      path: local,
      side,
      sha256,
      checksum: `restic snapshot ${entry.restic.shortId} read in full (restic authenticates every blob; no baqup manifest in the repository), sha256 ${sha256}`,
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
