// `baqup ls [container] [target]`: every backup on staging and on the remote (rclone files, or restic snapshots),
// with its time, size, where it is (local, remote, both, restic) and what is known of its checksum.
import { listBackups, locationOf, type BackupEntry } from '@baqup/restore';
import { sha256File } from '@baqup/upload';
import { cliContext, humanSize, table } from '../restore/cli-context.js';
import { printJson } from '../output/json.js';
import { bool, str, type Command } from './command.js';
import { configOption, jsonOption } from './config-option.js';
import { targetName } from '@baqup/core';

/**
 * What is known of an entry's sha256 without downloading: `computed ok|MISMATCH` (--checksum hashed the staged
 * file), `recorded` (the staged .sha256 sidecar equals the manifest; not recomputed), `read back at upload`
 * (upload's marker: the remote copy was hashed and matched), `manifest on remote` (the remote has a manifest with
 * a sha256, not checked), `no manifest` (incomplete), `restic` (restic checks its own data).
 */
async function checksumStatus(e: BackupEntry, compute: boolean): Promise<string> {
  if (e.restic) return 'restic';
  const parts: string[] = [];
  if (e.staging) {
    if (!e.manifest) parts.push('local: no manifest');
    else if (compute) parts.push(`local: computed ${(await sha256File(e.staging.path)) === e.manifest.sha256 ? 'ok' : 'MISMATCH'}`);
    else parts.push(e.staging.complete ? 'local: recorded' : 'local: sidecar/manifest disagree');
  }
  if (e.remote) {
    const marker = e.staging?.uploaded;
    if (marker && marker.sha256 === e.manifest?.sha256) parts.push('remote: read back at upload');
    else parts.push(e.manifest && e.remote.hasSha256 ? 'remote: manifest on remote' : 'remote: no manifest');
  }
  return parts.join(', ');
}

export const ls: Command = {
  summary: 'list backups on staging and the remote (time, size, where, checksum status)',
  arguments: [
    { name: '[container]', description: 'only this container\'s backups' },
    { name: '[target]', description: 'only this target (postgres-main, or main)' },
  ],
  options: [configOption, { flags: '--checksum', description: 'hash each staged file now instead of trusting its recorded sha256', default: false }, jsonOption],
  details: 'Output: a table TARGET, TIMESTAMP, SIZE, WHERE (local, remote, both, restic), CHECKSUM.\n--json: { backups: [{ container, target, timestamp, file, size, where, checksum, sha256, staged_path, remote_path, legacy, snapshot }], problems }.\nExit codes: 0 listed, 1 a source could not be listed, 2 usage error.',
  examples: ['', 'gitea-db', 'gitea-db postgres-main --checksum', '--json'],
  async run({ args: [container, target], opts }) {
    const values = { config: str(opts, 'config'), json: bool(opts, 'json'), checksum: bool(opts, 'checksum') };
    const ctx = await cliContext(values.config);
    const { entries, problems } = await listBackups(ctx.sources, { ...(container ? { container } : {}), ...(target ? { target } : {}) });
    const rows = [];
    for (const e of entries) {
      rows.push({
        container: e.container,
        target: targetName(e),
        timestamp: e.timestamp,
        // `safety`: the copy a restore took of the state it replaced (loaded back only with --at).
        ...(e.manifest?.trigger ? { trigger: e.manifest.trigger } : {}),
        file: e.file,
        size: e.size ?? e.manifest?.size,
        compression: e.compression,
        where: locationOf(e),
        checksum: await checksumStatus(e, values.checksum),
        ...(e.manifest ? { sha256: e.manifest.sha256 } : {}),
        ...(e.staging ? { staged_path: e.staging.path } : {}),
        ...(e.remote ? { remote_path: e.remote.path } : {}),
        // At the remote's root, from before remotes carried host names: listed and restorable, never pruned.
        ...(e.remote?.legacy ? { legacy: true } : {}),
        ...(e.restic ? { snapshot: e.restic.shortId } : {}),
      });
    }
    if (values.json) {
      printJson({ backups: rows, problems });
    } else if (rows.length === 0) {
      console.log(`no backups${container ? ` of ${container}${target ? `/${target}` : ''}` : ''} in ${ctx.sources.stagingRoot}${ctx.sources.rclone ? ` or ${ctx.sources.rclone.display}` : ctx.sources.restic ? ` or ${ctx.sources.restic.display}` : ''}`);
    } else {
      console.log(
        table(
          ['TARGET', 'TIMESTAMP', 'SIZE', 'WHERE', 'CHECKSUM'],
          rows.map((r) => [`${r.container}/${r.target}`, `${r.snapshot ? `${r.timestamp} (${r.snapshot})` : r.timestamp}${r.trigger === 'safety' ? ' (safety)' : ''}`, humanSize(r.size), r.legacy ? `${r.where} (legacy)` : r.where, r.checksum]),
        ),
      );
      if (rows.some((r) => r.legacy)) console.log('\n"legacy": at the remote\'s root, written before remotes carried host names; no prune touches it. Move it under this host with `baqup migrate-remote`.');
      if (!values.checksum) console.log('\n"recorded": the staged .sha256 matches the manifest, not recomputed (use --checksum, or `baqup verify` for both copies).');
    }
    for (const p of problems) console.error(`baqup ls: could not list ${p.source}: ${p.message}`);
    return problems.length > 0 ? 1 : 0;
  },
};
