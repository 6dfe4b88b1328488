// Stages one compressed job: stream → hidden temp file (hashed, fsynced) → published under
// {timestamp}.{ext} without replacing anything → `.sha256` → `.manifest.json` last. The manifest is
// the commit marker: a data file without one is incomplete (listStaged says so, sweepPartials removes it).
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompressedJob, StagedJob } from '@baqup/core';
import { StageNameTakenError, toWriteError } from './errors.js';
import { exists, publishNoReplace, removeQuietly, writeFileAtomic } from './fs-atomic.js';
import { partialName, targetDirectory } from './layout.js';
import { buildManifest, serializeManifest, sha256Line, sidecarNames } from './manifest.js';
import { compactTimestamp, parseCompactTimestamp } from './timestamp.js';
import { writeTemp, writeTempFrom } from './write-temp.js';

export interface StageDeps {
  /** The staging root (`staging.path` of the config). */
  root: string;
  now?: () => Date;
  /** Told the bytes of a job's staged file written so far, as they land (GET /api/jobs/{id}). */
  onBytes?: (jobId: string, written: number) => void;
}

/** How far a taken name is bumped: two runs in the same second get the next free second, never a suffix, so names stay sortable timestamps. */
const MAX_BUMP_SECONDS = 60;

/**
 * The last name this target published, kept beside its backups. With cleanup_after_upload the staged copy is gone
 * once uploaded, so staging alone cannot tell that a name is taken on the remote: a second run in the same second
 * would reuse it there. Names start after this one (when it is within the hour ahead: a clock stepped back by
 * more than that starts from the clock again, and upload still refuses to replace a different backup).
 */
export const LAST_NAME_FILE = '.last-timestamp';
const LAST_NAME_WINDOW_MS = 3_600_000;

/** The furthest a published name can run ahead of the clock (a chain of bumps within the window, plus one bump run): retention judges a backup dated up to this far ahead as present, not future-dated. */
export const NAME_AHEAD_MAX_MS = LAST_NAME_WINDOW_MS + MAX_BUMP_SECONDS * 1000;

async function firstFreeSecond(dir: string, triggeredAt: Date): Promise<Date> {
  const last = await readFile(join(dir, LAST_NAME_FILE), 'utf8').then((s) => parseCompactTimestamp(s.trim()), () => undefined);
  if (last === undefined) return triggeredAt;
  // Names have whole seconds: 03:00:00.260 and a last name of 030000Z are the same second.
  const ahead = last.getTime() - Math.floor(triggeredAt.getTime() / 1000) * 1000;
  return ahead >= 0 && ahead < LAST_NAME_WINDOW_MS ? new Date(last.getTime() + 1000) : triggeredAt;
}

/** Writes the job's stream under the staging root; rejects with a BaqupError and leaves nothing behind on failure. */
export async function stageJob(job: CompressedJob, deps: StageDeps): Promise<StagedJob> {
  const now = deps.now ?? (() => new Date());
  const { container, target, triggeredAt } = job.job;
  const dir = targetDirectory(deps.root, container.containerName, target.type, target.instance);
  const firstTimestamp = compactTimestamp(triggeredAt);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    job.stream.destroy();
    throw toWriteError(dir, err);
  }
  const tmp = join(dir, partialName(`${firstTimestamp}.${job.extension}`));
  const onBytes = deps.onBytes ? (n: number) => deps.onBytes!(job.job.id, n) : undefined;
  // A compressor that writes the file itself (zstd) is handed the temp file; otherwise its stream is drained into it.
  const written = job.writeTo ? await writeTempFrom(job.writeTo, job.stream, tmp, onBytes) : await writeTemp(job.stream, tmp, onBytes);
  const dumpDoneAt = now();

  let file: string | undefined;
  let timestamp = firstTimestamp;
  const published: string[] = [];
  try {
    const start = await firstFreeSecond(dir, triggeredAt);
    for (let bump = 0; bump < MAX_BUMP_SECONDS && file === undefined; bump++) {
      timestamp = compactTimestamp(new Date(start.getTime() + bump * 1000));
      const candidate = `${timestamp}.${job.extension}`;
      const sidecars = sidecarNames(candidate);
      // Stale sidecars of a removed file would describe another backup: treat the name as taken.
      if ((await exists(join(dir, sidecars.sha256))) || (await exists(join(dir, sidecars.manifest)))) continue;
      if (await publishNoReplace(tmp, join(dir, candidate))) file = candidate;
    }
    if (file === undefined) throw new StageNameTakenError(join(dir, `${firstTimestamp}.${job.extension}`));
    published.push(join(dir, file));
    // Its directory fsync also makes the data file's publish durable.
    await writeFileAtomic(dir, LAST_NAME_FILE, `${timestamp}\n`);

    const sidecars = sidecarNames(file);
    await writeFileAtomic(dir, sidecars.sha256, sha256Line(written.sha256, file));
    published.push(join(dir, sidecars.sha256));
    // Known once the stream ended (fs counts its entries as they passed); never rejects, never fails the backup.
    const checks = await job.checks?.().catch(() => undefined);
    const manifest = buildManifest(job, {
      file,
      timestamp,
      size: written.size,
      sha256: written.sha256,
      dumpMs: dumpDoneAt.getTime() - job.startedAt.getTime(),
      totalMs: now().getTime() - job.startedAt.getTime(),
      ...(checks ? { checks } : {}),
    });
    await writeFileAtomic(dir, sidecars.manifest, serializeManifest(manifest));
    return { kind: 'staged', job: job.job, stagingPath: join(dir, file), manifest };
  } catch (err) {
    await removeQuietly(tmp);
    for (const path of published) await removeQuietly(path);
    throw toWriteError(join(dir, file ?? `${firstTimestamp}.${job.extension}`), err);
  }
}
