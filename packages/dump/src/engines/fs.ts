// Filesystem: the archive API's tar of `path` (entries rooted at its basename, e.g. `config/...`), rewritten
// without the `exclude` matches. With `backup.stop=true` the container is held stopped while the tar is read.
import { posix } from 'node:path';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { tarCounter } from '../checks/tar-count.js';
import type { TargetConfig } from '@baqup/core';
import { statFollow } from '../archive-file.js';
import { DumpFailedError, SourceMissingError } from '../errors.js';
import { excludeMatcher } from '../exclude.js';
import { filterTar } from '../filter-tar.js';
import { withRetry } from '../retry.js';
import type { Engine, PlanStep, RestorePlan } from './types.js';

function sourcePath(target: TargetConfig): string {
  if (!target.path) throw new DumpFailedError(`fs target ${target.instance} has no path`);
  return target.path;
}

/** The tar as it goes out, with its files counted on the way for the drill (the bytes are not changed). */
function counted(stream: Readable) {
  const counter = tarCounter();
  const out = pipeline(stream, counter.tap, () => {});
  const checks = async () => {
    const r = await counter.result;
    return 'error' in r ? { notes: [`file count not recorded at dump time: ${r.error}`] } : { files: r };
  };
  return { stream: out, extension: 'tar', toolVersions: {}, checks };
}

export const fs: Engine = {
  extension: 'tar',

  async dump(ctx) {
    const path = sourcePath(ctx.target);
    const stat = await statFollow(ctx.files, path);
    if (!stat) throw new SourceMissingError(path, ctx.containerName);
    const archive = await withRetry(() => ctx.docker.getArchive(ctx.containerId, stat.path, ctx.signal), { signal: ctx.signal });
    // Without excludes Docker's tar is passed on as it is: parsing and re-packing every entry cost more CPU
    // than the rest of the uncompressed path (bench/throughput.mjs).
    if (!ctx.target.exclude?.length) return counted(archive);
    const stats = { entries: 0, excluded: 0 };
    const stream = filterTar(archive, excludeMatcher(ctx.target.exclude), stats);
    stream.once('end', () => ctx.logger.debug('fs archive read', { path, entries: stats.entries, excluded: stats.excluded }));
    return counted(stream);
  },

  plan(target, container): PlanStep[] {
    const path = target.path ?? '<path>';
    const read: PlanStep = {
      action: 'read-tree',
      description: `archive ${path}${target.exclude?.length ? ` excluding ${target.exclude.join(', ')}` : ''}`,
      path,
    };
    if (!container.stop) return [read];
    return [{ action: 'stop', description: 'stop the container (journalled; started again on every path)' }, read, { action: 'start', description: 'start the container again' }];
  },

  restore(target): RestorePlan {
    const path = target.path ?? '<path>';
    const staging = `${path.replace(/\/+$/, '')}/.baqup-restore`;
    return {
      steps: [
        { action: 'write-file', description: `stage the tar's files under a hidden directory inside ${path} (nothing is replaced yet)`, path: staging, stdin: true },
        { action: 'stop', description: 'stop the container (only with backup.stop=true; journalled; started again on every path)' },
        { action: 'write-file', description: `put each staged file in place in ${path} as a hardlink (its entries start with ${posix.basename(path)}/; directories and symlinks as in the tar)`, path: posix.dirname(path) },
        { action: 'start', description: 'start the container' },
        { action: 'remove-file', description: 'remove the staging directory', path: staging },
      ],
      notes: ['Extraction adds and overwrites files; files created since the backup are not removed.', 'Staging needs free space for a second copy of the files in the tar; an interrupted restore leaves each file whole (old or new).'],
    };
  },
};
