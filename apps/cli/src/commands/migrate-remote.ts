// `baqup migrate-remote [container] [--dry-run] [--json]`: move the backups an earlier baqup wrote at the remote's
// root (`{remote}/{container}/…`, before remotes carried host names) under this host (`{remote}/{host}/{container}/…`),
// so prune governs them again. Until then they are listed (`baqup ls` marks them legacy) and restorable, never pruned.
import type { AdoptedBackup } from '@baqup/upload';
import { printJson } from '../output/json.js';
import { cliContext } from '../restore/cli-context.js';
import { bool, str, type Command } from './command.js';
import { configOption, jsonOption } from './config-option.js';

const VERB: Record<AdoptedBackup['outcome'], { done: string; dry: string }> = {
  moved: { done: 'moved', dry: 'would move' },
  'already-there': { done: 'removed duplicate', dry: 'would remove duplicate' },
  conflict: { done: 'left (conflict)', dry: 'would leave (conflict)' },
  incomplete: { done: 'left (incomplete)', dry: 'would leave (incomplete)' },
};

const WHY: Partial<Record<AdoptedBackup['outcome'], string>> = {
  'already-there': 'the same backup (same sha256) is already under this host',
  conflict: 'a different backup of the same name is under this host: compare both, then delete one by hand',
  incomplete: 'no manifest beside it: an interrupted upload; restore it by hand if you need it',
};

/** One line per legacy backup, then a count. Pure (tested). */
export function migrateReport(results: readonly AdoptedBackup[], dryRun: boolean): string[] {
  const lines = results.map((r) => {
    const verb = dryRun ? VERB[r.outcome].dry : VERB[r.outcome].done;
    const why = WHY[r.outcome];
    return `${verb.padEnd(dryRun ? 24 : 19)} ${r.from} -> ${r.to}${why ? ` (${why})` : ''}`;
  });
  const count = (o: AdoptedBackup['outcome']) => results.filter((r) => r.outcome === o).length;
  if (results.length === 0) lines.push('no backups at the remote root: nothing to migrate');
  else {
    const moved = count('moved');
    lines.push(
      `${results.length} legacy backup(s): ${moved} ${dryRun ? 'to move' : 'moved'}, ${count('already-there')} duplicate(s), ` +
        `${count('conflict')} conflict(s), ${count('incomplete')} incomplete`,
    );
  }
  return lines;
}

export const migrateRemote: Command = {
  summary: 'move backups written before remotes carried host names under this host ({remote}/{host}/…)',
  arguments: [{ name: '[container]', description: 'only this container\'s backups' }],
  options: [configOption, { flags: '--dry-run', description: 'say what would move, touch nothing', default: false }, jsonOption],
  details:
    'Before host names, baqup wrote {remote}/{container}/{type}-{instance}/…; now each host writes under\n' +
    '{remote}/{host}/ (config host, $BAQUP_HOSTNAME, else the Docker engine\'s name). Old backups stay listed and\n' +
    'restorable, but no prune touches them until they are moved. A backup moves data first and manifest last, so an\n' +
    'interrupted run leaves a complete copy on one side at least; run it again to finish. Run it on ONE host only:\n' +
    'the remote root does not say which host wrote a legacy backup.\n' +
    '--json: { host, dry_run, results: [{ from, to, outcome }] } (outcome: moved, already-there, conflict, incomplete).\n' +
    'Exit codes: 0 done (conflicts and incomplete ones are reported, left alone), 1 no rclone remote or the remote failed, 2 usage error.',
  examples: ['--dry-run', '', 'gitea-db --json'],
  async run({ args: [container], opts }) {
    const ctx = await cliContext(str(opts, 'config'));
    const rclone = ctx.sources.rclone;
    if (!rclone) {
      console.error('baqup migrate-remote: upload.backend is not rclone (restic snapshots carry their host in --host; nothing to move)');
      return 1;
    }
    const dryRun = bool(opts, 'dryRun');
    const results = await rclone.ops.adoptLegacy({ dryRun, ...(container ? { prefix: container } : {}) });
    if (bool(opts, 'json')) printJson({ host: rclone.ops.host, dry_run: dryRun, results });
    else for (const line of migrateReport(results, dryRun)) console.log(line);
    return 0;
  },
};
