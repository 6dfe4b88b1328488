// The staging layout of the primary spec: {root}/{container}/{type}-{instance}/{timestamp}.{ext},
// with `{file}.sha256` and `{file}.manifest.json` beside each file. Temporary files are dot-prefixed
// `.partial-` names in the same directory, so a rename publishes them and listings skip them.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const SHA256_SUFFIX = '.sha256';
export const MANIFEST_SUFFIX = '.manifest.json';
/** `{timestamp}.{ext}`: what a staged data file's name looks like. */
export const DATA_FILE = /^(\d{8}T\d{6}Z)\.([A-Za-z0-9][A-Za-z0-9.]*)$/;
export const PARTIAL_FILE = /^\..+\.partial-[0-9a-f]+$/;

/**
 * A path segment from a container/instance name. Docker names already fit `[A-Za-z0-9][A-Za-z0-9_.-]*`;
 * anything else (a leading `/` from the API, a path separator) is replaced so a name can never leave the root.
 */
export function safeSegment(name: string): string {
  const cleaned = name.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]/g, '_');
  return cleaned === '' || /^\.+$/.test(cleaned) || cleaned.startsWith('.') ? `_${cleaned}` : cleaned;
}

/** `{container}/{type}-{instance}`: a target's directory under the staging root, and under the host on the remote. */
export function targetPath(container: string, type: string, instance: string): string {
  return `${safeSegment(container)}/${safeSegment(type)}-${safeSegment(instance)}`;
}

/**
 * The remote mirrors staging one level down, under the controller's host name:
 * `{remote}/{host}/{container}/{type}-{instance}/{file}` for the staged `{staging}/{container}/{type}-{instance}/{file}`,
 * so controllers sharing a remote never meet. Backups written before hosts existed sit at the remote root
 * (`{remote}/{container}/…`, "legacy"; see docs/adr/0007-remote-host-layout.md). An empty host is the legacy layout.
 */
export function remotePath(host: string, stagedRelativePath: string): string {
  const rel = stagedRelativePath.replace(/^\/+/, '');
  return host === '' ? rel : `${safeSegment(host)}/${rel}`;
}

/** `{root}/{container}/{type}-{instance}` */
export function targetDirectory(root: string, container: string, type: string, instance: string): string {
  return join(root, safeSegment(container), `${safeSegment(type)}-${safeSegment(instance)}`);
}

/** A fresh temporary name in the same directory as `finalName`, hidden from listings. */
export function partialName(finalName: string): string {
  return `.${finalName}.partial-${randomBytes(6).toString('hex')}`;
}

/** True for a staged data file name (not a sidecar, not a temporary file). */
export function isDataFile(name: string): boolean {
  // `{timestamp}.group.json` is a backup group's manifest (under `.groups/`), never a backup.
  return DATA_FILE.test(name) && !name.endsWith(SHA256_SUFFIX) && !name.endsWith(MANIFEST_SUFFIX) && !name.endsWith('.group.json');
}
