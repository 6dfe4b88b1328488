// The shape every engine module has: dump (stream out), plan (what --dry-run prints), restore (the command shape
// a restore runs; executed by the restore issue).
import type { Readable } from 'node:stream';
import type { BackupJob, ContainerBackupConfig, DrillChecks, Logger, Secret, TargetConfig } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import type { FileSource } from '../archive-file.js';
import type { ContainerHolds } from '../holds.js';

export interface EngineContext {
  docker: DockerClient;
  job: BackupJob;
  target: TargetConfig;
  containerId: string;
  containerName: string;
  /** The resolved password, when the target has one. Goes into exec env or an option file only. */
  password?: Secret;
  /** Aborted when the target's timeout fires; every Docker call takes it. */
  signal: AbortSignal;
  logger: Logger;
  holds: ContainerHolds;
  /** True when the container is already held stopped for this job (`backup.stop=true`). */
  cold: boolean;
  /** Aborts this job (as its timeout would, with `reason`): a forced release of its hold calls it. */
  abort?: (reason: Error) => void;
  /** Leaves the hot-dump admission of a hot job (ContainerGate) early: before an engine falls back to a cold hold. */
  releaseHot?: () => Promise<void>;
  /** Directory inside the container for temporary files. */
  tmpDir: string;
  /** Register work to run once the dump is over, on every path (temp files, releases); run last-in first-out. */
  defer(cleanup: () => Promise<void>): void;
  /** The container as a FileSource for archive helpers. */
  files: FileSource;
}

export interface EngineOutput {
  stream: Readable;
  extension: string;
  databases?: string[];
  toolVersions: Record<string, string>;
  /** What a drill will check (checks/): resolves once the stream ended; never rejects (a failure is a note). */
  checks?: () => Promise<DrillChecks | undefined>;
}

/** One step of a plan, with argv as it will run (no secret is ever in argv) and the names of env variables set. */
export interface PlanStep {
  action: 'exec' | 'exec-stream' | 'read-file' | 'read-tree' | 'write-file' | 'remove-file' | 'stop' | 'start' | 'poll';
  description: string;
  argv?: string[];
  /** Names only; values never appear in a plan. */
  env?: string[];
  path?: string;
}

/** How to load a dump back: steps in order; the dump's bytes go where `stdin: true` or `action: 'write-file'` says. */
export interface RestorePlan {
  steps: (PlanStep & { stdin?: boolean })[];
  notes: string[];
}

export interface RestoreOptions {
  /** Restore only these databases (engines that can split a dump). */
  databases?: string[];
}

export interface Engine {
  /** File extension of the raw dump, before compression. */
  extension: string;
  dump(ctx: EngineContext): Promise<EngineOutput>;
  plan(target: TargetConfig, container: ContainerBackupConfig): PlanStep[];
  restore(target: TargetConfig, options?: RestoreOptions): RestorePlan;
}
