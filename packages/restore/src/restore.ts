// One restore: find the backup (staging first, else the remote or restic), prove its bytes (sha256 against the
// manifest, then read to its end in its format) BEFORE anything is touched, ask, then load it through the Docker
// API with the engine's loader. Containers stopped for it are journalled and started again on every path.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorCode, errorMessage, targetName, type ControllerDefaults, type Logger, type Secret, type TargetType } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { resolveCredential, restorePlan, type ContainerHolds } from '@baqup/dump';
import { listBackups, type BackupEntry } from './catalog.js';
import { checkContent } from './content.js';
import { resolveDestination } from './destination.js';
import { BackupNotFoundError, RestoreRefusedError } from './errors.js';
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
  dryRun?: boolean;
}

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
  durationMs: number;
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
}

/** The backup a request means, and the side it will be read from. */
export async function locateBackup(sources: BackupSources, req: RestoreRequest): Promise<{ entry: BackupEntry; side: Side }> {
  const { entries, problems } = await listBackups(sources, { container: req.container, target: req.target });
  const kinds = new Set(entries.map((e) => targetName(e)));
  const where = problems.length > 0 ? ` (could not list: ${problems.map((p) => `${p.source}: ${p.message}`).join('; ')})` : '';
  if (kinds.size === 0) throw new BackupNotFoundError(`no backup of ${req.container}/${req.target} in staging or on the remote${where}; see \`baqup ls ${req.container}\``);
  if (kinds.size > 1) throw new BackupNotFoundError(`"${req.target}" names several targets of ${req.container}: ${[...kinds].join(', ')}; use type-instance`);
  const usable = entries.filter((e) => (req.from === 'staging' ? e.staging : req.from === 'remote' ? e.remote ?? e.restic : true));
  const entry = pickAt(usable, req.at);
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
  const dest = await resolveDestination(deps.docker, deps.defaults, { container: req.container, ...(req.into ? { into: req.into } : {}), type: entry.type, instance: entry.instance });
  const plan = restorePlan(dest.target);
  const summary: RestoreSummary = {
    container: entry.container,
    target: targetKey,
    timestamp: entry.timestamp,
    file: entry.file,
    ...(entry.size !== undefined ? { size: entry.size } : {}),
    side,
    into: dest.info.name,
    configFrom: dest.configFrom,
    steps: describeSteps(entry.type, side, entry, plan),
    notes: plan.notes,
  };
  if (req.dryRun) return { ...summary, dryRun: true, done: [], durationMs: Date.now() - started };

  const fields = { container: dest.info.name, target: targetKey, source_container: entry.container, timestamp: entry.timestamp, side };
  deps.logger.info('restore started', { event: 'restore.started', ...fields });
  const tmpDir = await mkdtemp(join(deps.tmpRoot ?? tmpdir(), 'baqup-load-'));
  const done: string[] = [];
  try {
    say(`fetching ${entry.file} from ${side}…`);
    const copy = await fetchVerified(entry, side, deps.sources, { ...(deps.tmpRoot ? { tmpRoot: deps.tmpRoot } : {}), ...(deps.signal ? { signal: deps.signal } : {}) });
    try {
      say(`checksum: ${copy.checksum}`);
      const content = await checkContent(copy.path, entry.compression, entry.type, entry.type === 'fs' ? dest.target.path : undefined);
      say(`content: ${content.format}`);
      if (!(await (deps.confirm?.(summary) ?? Promise.resolve(false)))) throw new RestoreRefusedError('restore not confirmed; nothing was touched');
      let password: Secret | undefined;
      if (dest.target.password) password = await resolveCredential(deps.docker, dest.info.id, dest.target.password, { containerName: dest.info.name });
      const running = (await deps.docker.inspect(dest.info.id)).state.running;
      say(`loading into ${dest.info.name}…`);
      await LOADERS[entry.type]({
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
        tmpDir,
        signal: deps.signal ?? new AbortController().signal,
        logger: deps.logger,
        note: (line) => {
          done.push(line);
          say(line);
        },
      });
      const report: RestoreReport = { ...summary, dryRun: false, checksum: copy.checksum, content: content.format, done, durationMs: Date.now() - started };
      deps.logger.info('restore finished', { event: 'restore.finished', ...fields, duration_ms: report.durationMs });
      return report;
    } finally {
      await copy.cleanup();
    }
  } catch (err) {
    deps.logger.error('restore failed', { event: 'restore.failed', ...fields, error: { code: errorCode(err), message: errorMessage(err) } });
    throw err;
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}
