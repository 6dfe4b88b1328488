// `baqup verify [container] [target] [--all]`: hash every copy (staged, remote, restic) against its manifest and
// read it to its end in its format. Exit 1 when any copy fails or nothing was found to verify.
import { verifyBackups, type VerifyResult } from '@baqup/restore';
import { printJson } from '../output/json.js';
import { cliContext } from '../restore/cli-context.js';
import { recordInHistory } from '../restore/history.js';
import { bool, str, type Command } from './command.js';
import { configOption, jsonOption } from './config-option.js';

function line(r: VerifyResult): string {
  const head = `${r.ok ? 'OK  ' : 'FAIL'} ${r.container}/${r.target} ${r.timestamp} [${r.side}]`;
  return r.ok ? `${head}: ${r.content}; ${r.checksum}` : `${head}: ${r.error?.message} (${r.error?.code})`;
}

export const verify: Command = {
  summary: 'check backups: sha256 against the manifest and readable to the end (newest per target, or --all)',
  arguments: [
    { name: '[container]', description: 'only this container\'s backups' },
    { name: '[target]', description: 'only this target (postgres-main, or main)' },
  ],
  options: [configOption, { flags: '--all', description: 'every backup, not only the newest per target', default: false }, jsonOption],
  details: 'Output: one line per copy, "OK  <container>/<target> <timestamp> [staging|remote|restic]: …", then a count.\n--json: { results: [...], problems: [...] }.\nExit codes: 0 all verified, 1 a copy failed, a source could not be listed, or nothing was found, 2 usage error.',
  examples: ['', 'gitea-db postgres-main', '--all --json'],
  async run({ args: [container, target], opts }) {
    const json = bool(opts, 'json');
    const ctx = await cliContext(str(opts, 'config'));
    const { results, problems } = await verifyBackups(ctx.sources, {
      ...(container ? { container } : {}),
      ...(target ? { target } : {}),
      all: bool(opts, 'all'),
      ...(json ? {} : { onResult: (r: VerifyResult) => console.log(line(r)) }),
    });
    const at = Date.now();
    recordInHistory(ctx.config, (h) => {
      for (const r of results) {
        h.recordVerification({
          container: r.container, target: r.target, backup: r.timestamp, source: r.side, at, success: r.ok,
          ...(r.checksum ? { checksum: r.checksum } : {}), ...(r.content ? { content: r.content } : {}),
          ...(r.error ? { error_code: r.error.code, error_message: r.error.message } : {}),
        });
      }
    });
    const failed = results.filter((r) => !r.ok).length;
    if (json) printJson({ results, problems });
    else console.log(results.length === 0 ? 'no backups found to verify' : `${results.length - failed} ok, ${failed} failed`);
    for (const p of problems) console.error(`baqup verify: could not list ${p.source}: ${p.message}`);
    return failed > 0 || problems.length > 0 || results.length === 0 ? 1 : 0;
  },
};
