// A target's password, resolved when the job runs: literal and env sources already hold a Secret; a file source
// (Docker secret, `*_FILE`) is read inside the target container through the archive API.
import { BaqupError, Secret, type CredentialSource } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { readSmallFile } from './archive-file.js';
import { CredentialError } from './errors.js';

/** Password files are small; anything larger is a wrong path (a directory listing, a database…). */
export const MAX_CREDENTIAL_BYTES = 64 * 1024;

export interface ResolveOptions {
  containerName?: string;
  signal?: AbortSignal;
}

/** The Secret a CredentialSource stands for. A file's trailing newline(s) are dropped, as every official image does. */
export async function resolveCredential(
  docker: DockerClient,
  containerId: string,
  source: CredentialSource,
  options: ResolveOptions = {},
): Promise<Secret> {
  if (source.kind !== 'file') return source.value;
  const containerName = options.containerName ?? containerId.slice(0, 12);
  let raw: Buffer;
  try {
    raw = await readSmallFile({ docker, containerId, containerName, signal: options.signal }, source.path, MAX_CREDENTIAL_BYTES);
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const why = err instanceof BaqupError ? err.message : String(err);
    throw new CredentialError(`cannot read password file ${source.path}: ${why}`, { cause: err });
  }
  const value = raw.toString('utf8').replace(/[\r\n]+$/, '');
  if (value.length === 0) throw new CredentialError(`password file ${source.path} in container ${containerName} is empty`);
  return new Secret(value);
}
