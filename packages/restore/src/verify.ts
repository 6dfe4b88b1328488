// `verify`: every copy of the chosen backups (staged, remote, restic) hashed against its manifest and read to its
// end in its format. Read-only: downloads go to a temp dir that is removed.
import { errorCode, errorMessage, targetName } from '@baqup/core';
import { listBackups, type BackupEntry, type CatalogFilter } from './catalog.js';
import { checkContent } from './content.js';
import { fetchVerified, sidesOf, type Side } from './fetch.js';
import { pickAt } from './select.js';
import type { BackupSources } from './sources.js';

export interface VerifyResult {
  container: string;
  target: string;
  timestamp: string;
  file: string;
  side: Side;
  ok: boolean;
  checksum?: string;
  content?: string;
  error?: { code: string; message: string };
}

export interface VerifyOptions extends CatalogFilter {
  /** Every backup, not only the newest of each target. */
  all?: boolean;
  /** Only the backup this names (a timestamp, `latest`, or a restic snapshot id), as restore's `at`; wins over `all`. */
  at?: string;
  tmpRoot?: string;
  onResult?: (r: VerifyResult) => void;
}

function newestPerTarget(entries: BackupEntry[]): BackupEntry[] {
  const last = new Map<string, BackupEntry>();
  // Restic snapshots and files are separate histories: keep the newest of each. Safety copies (the state a restore
  // replaced) are left to --all: the default checks what `baqup restore` would load, as restore's `latest` does.
  for (const e of entries) if (e.manifest?.trigger !== 'safety') last.set(`${e.container}/${targetName(e)}/${e.restic ? 'restic' : 'files'}`, e);
  return [...last.values()];
}

export async function verifyBackups(sources: BackupSources, options: VerifyOptions = {}): Promise<{ results: VerifyResult[]; problems: { source: string; message: string }[] }> {
  const { entries, problems } = await listBackups(sources, options);
  const picked = options.at !== undefined ? pickAt(entries, options.at) : undefined;
  const chosen = options.at !== undefined ? (picked ? [picked] : []) : options.all ? entries : newestPerTarget(entries);
  const results: VerifyResult[] = [];
  for (const entry of chosen) {
    for (const side of sidesOf(entry)) {
      const base = { container: entry.container, target: targetName(entry), timestamp: entry.timestamp, file: entry.file, side };
      let result: VerifyResult;
      try {
        const copy = await fetchVerified(entry, side, sources, options.tmpRoot ? { tmpRoot: options.tmpRoot } : {});
        try {
          const content = await checkContent(copy.path, entry.compression, entry.type);
          result = { ...base, ok: true, checksum: copy.checksum, content: content.format };
        } finally {
          await copy.cleanup();
        }
      } catch (err) {
        result = { ...base, ok: false, error: { code: errorCode(err), message: errorMessage(err) } };
      }
      results.push(result);
      options.onResult?.(result);
    }
  }
  return { results, problems };
}
