// `.{name}.uploaded`: written atomically beside a staged file once its remote copy was read back and matched.
// It is what makes a failed upload visible to the next run (pendingUploads) without asking the remote.
// Dot-prefixed so stage's start-up sweep and listings (which judge `{timestamp}.{ext}` names) never take it
// for a data file without a manifest.
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface UploadMarker {
  /** The remote as displayed (credentials stripped): a marker for another remote does not count. */
  remote: string;
  relativePath: string;
  sha256: string;
  verifiedBy: 'remote-hash' | 'download' | 'restic-snapshot';
  verifiedAt: string;
}

export const markerPath = (file: string): string => join(dirname(file), `.${basename(file)}.uploaded`);

export async function writeUploadMarker(file: string, marker: UploadMarker): Promise<void> {
  const tmp = `${markerPath(file)}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(marker)}\n`, { flag: 'wx' });
  await rename(tmp, markerPath(file));
}

/** The marker, or null when there is none or it is unreadable (a torn marker means "not verified"). */
export async function readUploadMarker(file: string): Promise<UploadMarker | null> {
  try {
    const m = JSON.parse(await readFile(markerPath(file), 'utf8')) as Partial<UploadMarker>;
    return typeof m.remote === 'string' && typeof m.sha256 === 'string' ? (m as UploadMarker) : null;
  } catch {
    return null;
  }
}
