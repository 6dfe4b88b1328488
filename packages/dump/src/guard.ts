// The dump stream handed to the next stage. It ends only after the source ended cleanly AND the job's cleanups
// (temp files removed, container started again) succeeded; any failure destroys it with a dump error, after
// the cleanups ran, so "the stream errored" also means "the container is back". Timeout aborts the source.
import { Transform, type Readable } from 'node:stream';
import { BaqupError, errorCode, errorMessage, type Logger } from '@baqup/core';
import { ExecFailedError } from '@baqup/docker';
import { DumpFailedError } from './errors.js';

/** Errors of a dump as the job reports them: exec failures become BAQUP_DUMP_FAILED; codes are kept. */
export function toDumpError(err: unknown, signal?: AbortSignal): BaqupError {
  if (signal?.aborted && signal.reason instanceof BaqupError) return signal.reason;
  if (err instanceof ExecFailedError) return new DumpFailedError(err.message, { cause: err });
  if (err instanceof BaqupError) return err;
  return new DumpFailedError(`dump stream failed: ${errorMessage(err)}`, { cause: err });
}

export interface GuardOptions {
  signal: AbortSignal;
  /** Runs once, on every path; on the success path its failure fails the stream. */
  finish: () => Promise<void>;
  /** Called when the stream is closed either way (clears the timer). */
  onClose: () => void;
  logger: Logger;
}

export function guard(source: Readable, options: GuardOptions): Readable {
  const { signal, logger } = options;
  let finishing: Promise<void> | undefined;
  const finish = () => (finishing ??= options.finish());
  const logCleanup = (err: unknown) =>
    logger.error('cleanup after a failed dump failed', { error: { code: errorCode(err), message: errorMessage(err) } });
  const gate = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cb(null, chunk);
    },
    flush(cb) {
      finish().then(
        () => cb(),
        (err: unknown) => cb(toDumpError(err)),
      );
    },
  });
  let failing = false;
  source.on('error', (err) => {
    if (failing) return;
    failing = true;
    const error = toDumpError(err, signal);
    finish()
      .catch(logCleanup)
      .finally(() => gate.destroy(error));
  });
  const onAbort = () => source.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal.addEventListener('abort', onAbort, { once: true });
  gate.once('close', () => {
    signal.removeEventListener('abort', onAbort);
    options.onClose();
    if (!source.readableEnded) source.destroy();
    if (!gate.writableFinished) finish().catch(logCleanup);
  });
  source.pipe(gate);
  return gate;
}
