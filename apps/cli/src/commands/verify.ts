// `baqup verify [container] [target] [--all]`: hash every copy (staged, remote, restic) against its manifest and
// read it to its end in its format. Exit 1 when any copy fails or nothing was found to verify.
import { parseArgs } from 'node:util';
import { verifyBackups, type VerifyResult } from '@baqup/restore';
import { cliContext } from '../restore/cli-context.js';
import type { Command } from './command.js';
import { configOption } from './config-option.js';

function line(r: VerifyResult): string {
  const head = `${r.ok ? 'OK  ' : 'FAIL'} ${r.container}/${r.target} ${r.timestamp} [${r.side}]`;
  return r.ok ? `${head}: ${r.content}; ${r.checksum}` : `${head}: ${r.error?.message} (${r.error?.code})`;
}

export const verify: Command = {
  summary: 'check backups: sha256 against the manifest and readable to the end (newest per target, or --all)',
  usage: '[container] [target] [--all] [--config FILE] [--json]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...configOption, all: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    });
    const [container, target] = positionals;
    const ctx = cliContext(values.config);
    const { results, problems } = await verifyBackups(ctx.sources, {
      ...(container ? { container } : {}),
      ...(target ? { target } : {}),
      all: values.all,
      ...(values.json ? {} : { onResult: (r: VerifyResult) => console.log(line(r)) }),
    });
    const failed = results.filter((r) => !r.ok).length;
    if (values.json) console.log(JSON.stringify({ results, problems }, null, 2));
    else console.log(results.length === 0 ? 'no backups found to verify' : `${results.length - failed} ok, ${failed} failed`);
    for (const p of problems) console.error(`baqup verify: could not list ${p.source}: ${p.message}`);
    return failed > 0 || problems.length > 0 || results.length === 0 ? 1 : 0;
  },
};
