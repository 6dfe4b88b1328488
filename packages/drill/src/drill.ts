// One drill: the newest backup of a target (from the remote or restic repository by default, staging on request)
// fetched and proven (sha256 against the manifest; restic authenticates its blobs), read to its end, loaded with
// the restore loader into a throwaway container of the target's own image, and checked against what the manifest
// recorded at dump time. The original container and its volumes are only read (its labels, config and, for a
// password file, that file), never changed. The throwaway container is removed on every path.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChecksumMismatchError,
  DrillFailedError,
  DrillNoManifestError,
  errorCode,
  errorMessage,
  targetName,
  type BackupManifest,
  type ControllerDefaults,
  type DrillReport,
  type Logger,
  type Secret,
} from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { resolveCredential, type ContainerHolds } from '@baqup/dump';
import { checkContent, fetchVerified, LOADERS, locateBackup, resolveDestination, type BackupSources } from '@baqup/restore';
import { listStaged } from '@baqup/stage';
import { createDrillContainer, DEFAULT_DRILL_LIMITS, ensureDir, type DrillLimits } from './container.js';
import { waitReady } from './ready.js';
import { verifyRestored } from './verify.js';
import { posix } from 'node:path';

export interface DrillRequest {
  container: string;
  /** `type-instance` or instance. */
  target: string;
  /** Default `remote` (the rclone remote or the restic repository): the copy that matters when the host is lost. */
  from?: 'staging' | 'remote';
}


export interface DrillDeps {
  docker: DockerClient;
  sources: BackupSources;
  defaults: ControllerDefaults;
  holds: ContainerHolds;
  logger: Logger;
  /** This controller's id, the value of the drill label (sweepDrillContainers removes only its own). */
  owner: string;
  limits?: DrillLimits;
  readyTimeoutMs?: number;
  tmpRoot?: string;
  signal?: AbortSignal;
  progress?: (line: string) => void;
}

/** A restic snapshot carries no manifest: the staged manifest of the same bytes (same sha256) is the one. */
async function stagedManifestOf(stagingRoot: string, container: string, type: string, instance: string, sha256: string | undefined): Promise<BackupManifest | undefined> {
  if (!sha256) return undefined;
  const staged = await listStaged(stagingRoot, { container }).catch(() => []);
  return staged.find((s) => s.type === type && s.instance === instance && s.manifest?.sha256 === sha256)?.manifest;
}

/** Runs one drill; never throws: a failure is a report with `ok: false` and the error's code. */
export async function runDrill(deps: DrillDeps, req: DrillRequest): Promise<DrillReport> {
  const started = Date.now();
  const report: DrillReport = { container: req.container, target: req.target, ok: false, durationMs: 0, checked: [], notChecked: [], problems: [], startedAt: new Date(started).toISOString() };
  const say = deps.progress ?? (() => {});
  const signal = deps.signal ?? new AbortController().signal;
  const tmpDir = await mkdtemp(join(deps.tmpRoot ?? tmpdir(), 'baqup-drill-'));
  let drillId: string | undefined;
  const fields = () => ({ container: req.container, target: report.target, timestamp: report.timestamp, side: report.side });
  try {
    const { entry, side } = await locateBackup(deps.sources, { container: req.container, target: req.target, from: req.from ?? 'remote' });
    Object.assign(report, { target: targetName(entry), timestamp: entry.timestamp, file: entry.file, side });
    deps.logger.info('drill started', { event: 'drill.started', ...fields() });
    if (side !== 'restic' && !entry.manifest) throw new DrillNoManifestError(`${entry.file} of ${req.container}/${targetName(entry)} has no manifest on ${side}: a drill has nothing to check it against (upload incomplete, or the manifest was deleted)`);

    let t = Date.now();
    say(`fetching ${entry.file} from ${side}…`);
    const copy = await fetchVerified(entry, side, deps.sources, { ...(deps.tmpRoot ? { tmpRoot: deps.tmpRoot } : {}), signal }).catch((err: unknown) => {
      // The side drilled has no manifest (the staged one may still exist): nothing to check its bytes against.
      if (err instanceof ChecksumMismatchError && /no (readable )?manifest/.test(err.message)) throw new DrillNoManifestError(`${err.message}: a drill has nothing to check it against`, { cause: err });
      throw err;
    });
    try {
      // restic: the snapshot's manifest tag, else the staged manifest of the same bytes (snapshots older than the tag).
      const manifest = copy.manifest ?? entry.manifest ?? (await stagedManifestOf(deps.sources.stagingRoot, entry.container, entry.type, entry.instance, copy.sha256));
      if (!manifest) throw new DrillNoManifestError(`restic snapshot of ${req.container}/${targetName(entry)} at ${entry.timestamp} has no manifest: no manifest tag, and no staged manifest has its sha256 ${copy.sha256 ?? '?'}`);
      if (side === 'restic' && manifest.sha256 !== copy.sha256) {
        throw new ChecksumMismatchError(`restic snapshot of ${req.container}/${targetName(entry)} at ${entry.timestamp}: its sha256 is ${copy.sha256}, its manifest records ${manifest.sha256}`);
      }
      report.bytes = (await stat(copy.path)).size;
      say(copy.checksum);
      const dest = await resolveDestination(deps.docker, deps.defaults, { container: req.container, type: entry.type, instance: entry.instance });
      const content = await checkContent(copy.path, entry.compression, entry.type, entry.type === 'fs' ? dest.target.path : undefined);
      report.fetchMs = Date.now() - t;
      say(`content: ${content.format}`);

      t = Date.now();
      const created = await createDrillContainer(deps.docker, { sourceId: dest.info.id, container: req.container, target: targetName(entry), owner: deps.owner, limits: deps.limits ?? DEFAULT_DRILL_LIMITS, signal });
      drillId = created.id;
      say(`throwaway container ${created.name} (network none, no volumes)`);
      // Files (fs, sqlite) are loaded into the container as created, never started: the app in the image does not
      // run, so it cannot change what is checked. Servers (databases, redis) start and load through their clients.
      const files = entry.type === 'fs' || entry.type === 'sqlite';
      // The password comes from where the dump got it: the original's env or its password file (read only).
      let password: Secret | undefined;
      if (!files) {
        await deps.docker.start(created.id, signal);
        if (dest.target.password) password = await resolveCredential(deps.docker, dest.info.id, dest.target.password, { containerName: dest.info.name, signal });
        await waitReady(deps.docker, created.id, dest.target, password, deps.readyTimeoutMs ?? 180_000, signal);
      }
      report.startMs = Date.now() - t;

      t = Date.now();
      if ((entry.type === 'fs' || entry.type === 'sqlite') && dest.target.path) {
        const p = posix.normalize(dest.target.path).replace(/\/+$/, '') || '/';
        await ensureDir(deps.docker, created.id, posix.dirname(p), signal);
      }
      const done: string[] = [];
      await LOADERS[entry.type]({
        docker: deps.docker,
        containerId: created.id,
        containerName: created.name,
        running: !files,
        target: dest.target,
        stop: false,
        ...(password ? { password } : {}),
        holds: deps.holds,
        file: copy.path,
        compression: entry.compression,
        manifest,
        format: content.format,
        tmpDir,
        signal,
        // Its warnings about a container not running (a temp name left in it) are about the throwaway one.
        logger: files ? quieter(deps.logger) : deps.logger,
        note: (line) => done.push(line),
      });
      report.restoreMs = Date.now() - t;
      say(`restored in ${report.restoreMs} ms`);

      t = Date.now();
      const v = await verifyRestored({ docker: deps.docker, id: created.id, name: created.name, target: dest.target, ...(password ? { password } : {}), manifest, file: copy.path, compression: entry.compression, tmpDir, signal });
      report.checkMs = Date.now() - t;
      report.checked = v.checked;
      report.notChecked = v.notChecked;
      report.problems = v.problems;
      if (v.problems.length > 0) throw new DrillFailedError(`the restored backup differs from its manifest: ${v.problems.slice(0, 5).join('; ')}${v.problems.length > 5 ? ` (and ${v.problems.length - 5} more)` : ''}`);
      report.ok = true;
    } finally {
      await copy.cleanup();
    }
  } catch (err) {
    report.error = { code: errorCode(err), message: errorMessage(err) };
  } finally {
    if (drillId) await removeQuietly(deps, drillId);
    await rm(tmpDir, { recursive: true, force: true });
    report.durationMs = Date.now() - started;
  }
  const timing = { bytes: report.bytes, fetch_ms: report.fetchMs, restore_ms: report.restoreMs, duration_ms: report.durationMs };
  if (report.ok) deps.logger.info('drill passed', { event: 'drill.passed', ...fields(), ...timing });
  else deps.logger.error('drill failed', { event: 'drill.failed', ...fields(), ...timing, error: report.error });
  return report;
}

async function removeQuietly(deps: DrillDeps, id: string): Promise<void> {
  try {
    await deps.docker.removeContainer(id);
  } catch (err) {
    // Swept at the next start (it carries this controller's drill label).
    deps.logger.error('could not remove a drill container; it is removed at the next start', { event: 'drill.cleanup_failed', container_id: id.slice(0, 12), error: { code: errorCode(err), message: errorMessage(err) } });
  }
}

/** `warn` as `debug`, the rest unchanged. */
function quieter(l: Logger): Logger {
  return { debug: (m, f) => l.debug(m, f), info: (m, f) => l.info(m, f), warn: (m, f) => l.debug(m, f), error: (m, f) => l.error(m, f) };
}
