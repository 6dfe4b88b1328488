// What every engine loader gets: the destination container, its target config and resolved password, the
// verified local backup file, and the holds (journalled stops) shared with whoever runs the restore.
import type { BackupManifest, Compression, Logger, Secret, TargetConfig } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import type { ContainerHolds } from '@baqup/dump';

export interface LoadContext {
  docker: DockerClient;
  containerId: string;
  containerName: string;
  /** Whether the container was running when the restore began. */
  running: boolean;
  target: TargetConfig;
  /** `backup.stop` of the container (fs: stop while extracting only when true). */
  stop: boolean;
  password?: Secret;
  holds: ContainerHolds;
  /** The verified local backup file (compressed as `compression`). */
  file: string;
  compression: Compression;
  manifest?: BackupManifest;
  /** What the content check found (checkContent's format, e.g. `PostgreSQL cluster dump, complete`). */
  format?: string;
  /** Host directory for temporary files (decompressed copies); removed by the caller. */
  tmpDir: string;
  signal: AbortSignal;
  logger: Logger;
  /** A line for the report (what was done, what was skipped and why). */
  note(line: string): void;
}

export type Loader = (ctx: LoadContext) => Promise<void>;
