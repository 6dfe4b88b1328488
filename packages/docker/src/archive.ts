// Files in and out of containers as tar streams (GET/PUT/HEAD /containers/{id}/archive).
import { addAbortSignal, type Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { BaqupError, DockerApiError } from '@baqup/core';
import { call, type DockerContext } from './context.js';
import { DockerArchiveError, DockerNotFoundError } from './errors.js';

export interface PathStat {
  name: string;
  size: number;
  /** Go os.FileMode bits: permission bits plus type bits (directory = 1 << 31, symlink = 1 << 27). */
  mode: number;
  mtime: string;
  linkTarget: string;
  isDirectory: boolean;
}

const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;

/** Decode the X-Docker-Container-Path-Stat header (base64 JSON). */
export function decodePathStat(header: string): PathStat {
  const raw = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Omit<PathStat, 'isDirectory'>;
  // mode can exceed 2^31; use arithmetic, not bitwise ops (which are 32-bit signed in JS).
  const isDirectory = Math.floor(raw.mode / MODE_DIR) % 2 === 1;
  return { ...raw, isDirectory };
}

export function isSymlink(stat: PathStat): boolean {
  return Math.floor(stat.mode / MODE_SYMLINK) % 2 === 1;
}

function archiveError(err: unknown, what: string): unknown {
  if (err instanceof BaqupError && !(err instanceof DockerApiError)) return err; // unreachable, not found: keep
  if ((err as { name?: string } | null)?.name === 'AbortError') return err;
  return new DockerArchiveError(`Archive ${what} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** Tar stream of `path` inside the container. The stream is destroyed with the abort reason on abort. */
export async function getArchive(ctx: DockerContext, id: string, path: string, signal?: AbortSignal): Promise<Readable> {
  const what = `path ${path} in container ${id}`;
  try {
    const res = (await call(ctx, what, () =>
      ctx.docker.getContainer(id).getArchive({ path, ...(signal ? { abortSignal: signal } : {}) }),
    )) as Readable;
    return signal ? addAbortSignal(signal, res) : res;
  } catch (err) {
    throw archiveError(err, `read of ${what}`);
  }
}

/** Extract a tar stream into directory `path` inside the container (which must exist). */
export async function putArchive(ctx: DockerContext, id: string, path: string, tar: Readable, signal?: AbortSignal): Promise<void> {
  const what = `path ${path} in container ${id}`;
  // An error of the input is this call's, reported by its promise — never an unhandled 'error' event that ends the
  // process: docker-modem destroys the input with an AbortError when the request is aborted (a restore's Ctrl-C), and
  // a failing input (a tar that is refused half-way) aborts the request.
  const inputFailed = new AbortController();
  let inputError: unknown;
  tar.on('error', (err: unknown) => {
    inputError ??= err;
    inputFailed.abort(err);
  });
  const abortSignal = signal ? AbortSignal.any([signal, inputFailed.signal]) : inputFailed.signal;
  try {
    await call(ctx, what, () => ctx.docker.getContainer(id).putArchive(tar, { path, abortSignal }));
  } catch (err) {
    throw archiveError(inputError !== undefined && !signal?.aborted ? inputError : err, `write to ${what}`);
  }
}

/** Stat a path inside the container; null when the path does not exist. Throws DockerNotFoundError for a missing container. */
export async function statPath(ctx: DockerContext, id: string, path: string, signal?: AbortSignal): Promise<PathStat | null> {
  try {
    const res = (await call(ctx, `path ${path} in container ${id}`, () =>
      ctx.docker.getContainer(id).infoArchive({ path, ...(signal ? { abortSignal: signal } : {}) }),
    )) as IncomingMessage;
    res.resume();
    const header = res.headers['x-docker-container-path-stat'];
    if (typeof header !== 'string') throw new DockerArchiveError(`No path stat returned for ${path} in container ${id}`);
    return decodePathStat(header);
  } catch (err) {
    if (!(err instanceof DockerNotFoundError)) throw archiveError(err, `stat of ${path} in container ${id}`);
    // HEAD has no body, so a 404 does not say whether the path or the container is missing: ask.
    await call(ctx, `container ${id}`, () => ctx.docker.getContainer(id).inspect(signal ? { abortSignal: signal } : {}));
    return null;
  }
}
