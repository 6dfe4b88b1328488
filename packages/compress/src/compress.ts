// The compress stage: DumpedJob → CompressedJob. Synchronous per job (the work happens in the
// stream), so a plain map; a job that cannot be compressed becomes a JobFailed and its dump stream
// is destroyed so the dump tool does not hang on a full pipe.
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
import type { CompressorOptions } from './create-compressor.js';

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

function toolVersion(kind: Compression, options: CompressOptions): Record<string, string> {
  const given = options.toolVersions?.[kind];
  if (kind === 'gzip') return { zlib: given ?? process.versions.zlib ?? 'unknown' };
  if (kind === 'zstd' && given) return { zstd: given };
  return {};
}
