// `baqup backup <container> [target]`: run a backup now, through the controller's queue (POST /api/backups).
import { parseArgs } from 'node:util';
import { apiClient } from '../api-client.js';
import type { Command } from './command.js';
import { cliConfig, configOption } from './config-option.js';

interface JobView {
  job_id: string;
  target: string;
  status: string;
  path?: string;
  bytes?: number;
  error?: { code: string; message: string };
  message?: string;
  plan?: unknown;
}

export const backup: Command = {
  summary: 'back up a container now (all its targets, or one), through the running controller',
  usage: '<container> [target] [--config FILE] [--dry-run] [--no-wait] [--json]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...configOption, 'dry-run': { type: 'boolean', default: false }, 'no-wait': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    });
    const [container, target] = positionals;
    if (!container) {
      console.error('baqup backup: a container name is required (see `baqup plan`)');
      return 2;
    }
    const api = apiClient(cliConfig(values.config).config);
    const wait = !values['no-wait'] && !values['dry-run'];
    const res = await api.request('POST', '/api/backups', { container, ...(target ? { target } : {}), wait, dryRun: values['dry-run'] }, wait ? 6 * 3600_000 : 10_000);
    const body = res.body as { jobs?: JobView[]; error?: string };
    if (values.json) console.log(JSON.stringify(body, null, 2));
    else if (body.error) console.error(`baqup backup: ${body.error} (HTTP ${res.status})`);
    else
      for (const j of body.jobs ?? []) {
        if (values['dry-run']) console.log(`${j.target}: would run\n${JSON.stringify(j.plan, null, 2)}`);
        else if (j.status === 'succeeded') console.log(`${j.target}: succeeded, ${j.bytes ?? 0} bytes → ${j.path ?? ''}`);
        else if (j.status === 'queued') console.log(`${j.target}: queued as ${j.job_id}`);
        else console.log(`${j.target}: ${j.status}: ${j.error?.message ?? j.message ?? ''}`);
      }
    return res.status >= 200 && res.status < 300 ? 0 : 1;
  },
};
