// The manifest beside each staged (and uploaded) file: built, written, read and judged here only, so every reader
// (upload, prune, restore, the CLI) checks the same version and knows the same trigger rules.
import { readFile } from 'node:fs/promises';
import type { BackupManifest, BackupTrigger, CompressedJob, DrillChecks } from '@baqup/core';
import { MANIFEST_SUFFIX, SHA256_SUFFIX } from './layout.js';

/** The manifest format this code writes and reads; a file of another version is treated as absent (incomplete). */
export const MANIFEST_VERSION = 1;

export interface ManifestFacts {
  file: string;
  timestamp: string;
  size: number;
  sha256: string;
  dumpMs: number;
  totalMs: number;
  checks?: DrillChecks;
}

/** The manifest written beside a staged file (core BackupManifest, version 1). */
export function buildManifest(job: CompressedJob, facts: ManifestFacts): BackupManifest {
  const { container, target, schedule } = job.job;
  return {
    version: 1,
    container: container.containerName,
    containerId: container.containerId,
    image: container.image,
    type: target.type,
    instance: target.instance,
    schedule: schedule.name,
    trigger: job.job.trigger,
    timestamp: facts.timestamp,
    file: facts.file,
    compression: job.compression,
    size: facts.size,
    // Asked after the staged file was written in full: the dump stream has ended by then.
    ...(job.rawBytes ? { rawSize: job.rawBytes() } : job.compression === 'none' ? { rawSize: facts.size } : {}),
    sha256: facts.sha256,
    ...(job.databases ? { databases: job.databases } : {}),
    toolVersions: job.toolVersions,
    durations: { dumpMs: facts.dumpMs, totalMs: facts.totalMs },
    ...(facts.checks ? { checks: facts.checks } : {}),
  };
}

/** `sha256sum` format (two spaces, basename), so `sha256sum -c` works in the directory. */
export function sha256Line(sha256: string, file: string): string {
  return `${sha256}  ${file}\n`;
}

/** The sidecar names of a data file name (or path): `{file}.sha256`, `{file}.manifest.json`. */
export const sidecarNames = (file: string) => ({ sha256: file + SHA256_SUFFIX, manifest: file + MANIFEST_SUFFIX });

/**
 * Every file of one backup in the order to delete (or upload) them: data first, `.sha256`, manifest last, so an
 * interrupted removal leaves a backup that is still listed (its manifest) and the next run finishes it.
 */
export function backupFiles(file: string): [data: string, sha256: string, manifest: string] {
  const s = sidecarNames(file);
  return [file, s.sha256, s.manifest];
}

/** The manifest as written to disk (pretty, newline-terminated). */
export function serializeManifest(manifest: BackupManifest): string {
  return JSON.stringify(manifest, null, 2) + '\n';
}

/** A manifest from its text; undefined when it does not parse, is not an object or has another version. */
export function parseManifest(text: string): BackupManifest | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<BackupManifest> | null;
    return parsed !== null && typeof parsed === 'object' && parsed.version === MANIFEST_VERSION ? (parsed as BackupManifest) : undefined;
  } catch {
    return undefined;
  }
}

/** The manifest beside the data file at `dataFile` (`{dataFile}.manifest.json`); undefined when absent or unreadable. */
export async function readManifest(dataFile: string): Promise<BackupManifest | undefined> {
  const text = await readFile(dataFile + MANIFEST_SUFFIX, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseManifest(text);
}

/**
 * What started the backup. Manifests written before the field existed count as `schedule`: until then every
 * backup took part in its schedule's retention, and they keep doing so.
 */
export function triggerOf(manifest: Pick<BackupManifest, 'trigger'>): BackupTrigger {
  return manifest.trigger ?? 'schedule';
}
