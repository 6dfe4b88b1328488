import type { BackupManifest, CompressedJob } from '@baqup/core';
import { SHA256_SUFFIX } from './layout.js';

export interface ManifestFacts {
  file: string;
  timestamp: string;
  size: number;
  sha256: string;
  dumpMs: number;
  totalMs: number;
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
  };
}

/** `sha256sum` format (two spaces, basename), so `sha256sum -c` works in the directory. */
export function sha256Line(sha256: string, file: string): string {
  return `${sha256}  ${file}\n`;
}

export const sidecarNames = (file: string) => ({ sha256: file + SHA256_SUFFIX, manifest: file + '.manifest.json' });
