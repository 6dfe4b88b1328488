// The compress stage: DumpedJob → CompressedJob. Synchronous per job (the work happens in the
// stream), so a plain map; a job that cannot be compressed becomes a JobFailed and its dump stream
// is destroyed so the dump tool does not hang on a full pipe. gzip and none hand stage a stream; zstd
// hands it `writeTo`, and writes the staged file itself once stage has created it.
import { map, type OperatorFunction } from 'rxjs';
import {
  errorCode,
  errorMessage,
  failedResult,
  silentLogger,
  type Compression,
  type CompressedJob,
  type DumpedJob,
  type JobFlow,
  type Logger,
} from '@baqup/core';
import { compressStream } from './compress-stream.js';
import { compressedExtension } from './extension.js';
import { DEFAULT_ZSTD_THREADS, type CompressorOptions } from './create-compressor.js';
import { resolveLevel } from './levels.js';
import { zstdToFile } from './zstd-to-file.js';

export interface CompressOptions extends Omit<CompressorOptions, 'signal'> {
  /** Levels from the controller config (`gzip` 1–9, `zstd` 1–19); defaults 6 and 3. */
  levels?: Partial<Record<Exclude<Compression, 'none'>, number>>;
  /** Recorded in each manifest's toolVersions, e.g. `{ zstd: '1.5.4' }` from detectZstdVersion(). */
  toolVersions?: Partial<Record<Compression, string>>;
  logger?: Logger;
}

/** Operator: compresses each dumped job's stream with its target's `compress` setting; JobFailed passes through. */
export function compress(options: CompressOptions = {}): OperatorFunction<JobFlow<DumpedJob>, JobFlow<CompressedJob>> {
  const logger = options.logger ?? silentLogger;
  return map((flow) => (flow.kind === 'failed' ? flow : compressJob(flow, options, logger)));
}

function compressJob(dumped: DumpedJob, options: CompressOptions, logger: Logger): JobFlow<CompressedJob> {
  const kind = dumped.job.target.compress;
  try {
    const level = kind === 'none' ? undefined : options.levels?.[kind];
    if (kind === 'zstd') return zstdJob(dumped, resolveLevel(kind, level), options);
    const stream = compressStream(dumped.stream, kind, level, options);
    // The dump's own size, counted as its chunks pass into the compressor: one more listener on a stream that is
    // already flowing into the pipe, so no extra stream and no copy (for `none` the staged size is the raw size).
    let raw = 0;
    if (kind !== 'none') dumped.stream.on('data', (chunk: Buffer) => void (raw += chunk.length));
    return {
      ...dumped,
      kind: 'compressed',
      compression: kind,
      stream,
      extension: compressedExtension(dumped.extension, kind),
      toolVersions: { ...dumped.toolVersions, ...toolVersion(kind, options) },
      ...(kind === 'none' ? {} : { rawBytes: () => raw }),
    };
  } catch (err) {
    dumped.stream.destroy();
    const { job } = dumped;
    logger.warn('compression could not start', { job_id: job.id, container: job.container.containerName, error: { code: errorCode(err), message: errorMessage(err) } });
    return failedResult(job, dumped.startedAt, { code: errorCode(err), message: errorMessage(err) });
  }
}

/** zstd writes the staged file itself: nothing is spawned until stage hands over the file (CompressedJob.writeTo). */
function zstdJob(dumped: DumpedJob, level: number, options: CompressOptions): CompressedJob {
  let raw = 0;
  let started = false;
  const zstd = { level, threads: options.zstdThreads ?? DEFAULT_ZSTD_THREADS, command: options.zstdCommand ?? 'zstd' };
  return {
    ...dumped,
    kind: 'compressed',
    compression: 'zstd',
    extension: compressedExtension(dumped.extension, 'zstd'),
    toolVersions: { ...dumped.toolVersions, ...toolVersion('zstd', options) },
    rawBytes: () => raw,
    writeTo: (fd, signal) => {
      if (started) return Promise.reject(new Error('writeTo called twice: the dump stream is read once'));
      started = true;
      dumped.stream.on('data', (chunk: Buffer) => void (raw += chunk.length));
      return zstdToFile(dumped.stream, fd, signal, zstd);
    },
  };
}

function toolVersion(kind: Compression, options: CompressOptions): Record<string, string> {
  const given = options.toolVersions?.[kind];
  if (kind === 'gzip') return { zlib: given ?? process.versions.zlib ?? 'unknown' };
  if (kind === 'zstd' && given) return { zstd: given };
  return {};
}
