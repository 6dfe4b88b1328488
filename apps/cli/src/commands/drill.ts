// `baqup drill <container> [target] [--from staging|remote]`: restore the newest backup into a throwaway container
// and check it against its manifest, through the running controller (POST /api/drills); prints the result and the
// restore time.
import type { DrillReport } from '@baqup/core';
import { apiClient } from '../api-client.js';
import { printJson } from '../output/json.js';
import { humanSize } from '../output/size.js';
import { bool, str, type Command } from './command.js';
import { cliConfig, configOption, jsonOption } from './config-option.js';

const secs = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

/** The report as `baqup drill` prints it. */
export function drillText(r: DrillReport): string {
  const lines = [
    `${r.ok ? 'PASSED' : 'FAILED'} ${r.container}/${r.target}${r.timestamp ? ` at ${r.timestamp}` : ''}${r.side ? ` from ${r.side}` : ''}${r.bytes !== undefined ? ` (${humanSize(r.bytes)})` : ''}`,
    `restore time: ${secs(r.restoreMs)} (fetch ${secs(r.fetchMs)}, start ${secs(r.startMs)}, check ${secs(r.checkMs)}, total ${secs(r.durationMs)})`,
    ...r.checked.map((c) => `  ok: ${c}`),
    ...r.notChecked.map((c) => `  not checked: ${c}`),
    ...r.problems.map((c) => `  PROBLEM: ${c}`),
  ];
  if (r.error) lines.push(`error: ${r.error.message} (${r.error.code})`);
  return lines.join('\n');
}

export const drill: Command = {
  summary: 'restore the newest backup of a target into a throwaway container and check it, through the running controller',
  arguments: [
    { name: '<container>', description: 'a labelled container' },
    { name: '[target]', description: 'postgres-main, or main (may be left out when the container has one target)' },
  ],
  options: [
    configOption,
    { flags: '--from <side>', description: 'the copy to load: remote (the rclone remote or restic repository) or staging', default: 'remote', choices: ['remote', 'staging'] },
    jsonOption,
  ],
  details: [
    'The throwaway container runs the target\'s own image with network none, no published ports and none of its volumes; it is removed afterwards. The original container is not touched.',
    'Output: PASSED/FAILED, the restore time (loading into the ready engine) with fetch, start and check times, then what was checked.',
    '--json: the report { ok, timestamp, side, bytes, fetchMs, startMs, restoreMs, checkMs, durationMs, checked, notChecked, problems, error }.',
    'Exit codes: 0 the drill passed, 1 it failed or the controller refused, 2 usage error.',
  ].join('\n'),
  examples: ['gitea-db', 'gitea-db postgres-main --from staging', 'gitea --json'],
  async run({ args: [container, target], opts }) {
    if (!container) {
      console.error('baqup drill: a container name is required (see `baqup plan`)');
      return 2;
    }
    const json = bool(opts, 'json');
    const api = apiClient(cliConfig(str(opts, 'config')).config);
    const from = str(opts, 'from') ?? 'remote';
    const res = await api.request('POST', '/api/drills', { container, ...(target ? { target } : {}), from }, 6 * 3600_000);
    const body = res.body as DrillReport & { error?: unknown };
    if (res.status !== 200) {
      const e = res.body as { error?: string; code?: string };
      if (json) printJson(res.body);
      else console.error(`baqup drill: ${e.error ?? JSON.stringify(res.body)}${e.code ? ` (${e.code})` : ''} (HTTP ${res.status})`);
      return res.status === 400 ? 2 : 1;
    }
    if (json) printJson(body);
    else console.log(drillText(body));
    return body.ok ? 0 : 1;
  },
};
