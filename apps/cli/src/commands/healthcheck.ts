// `baqup healthcheck`: exit 0 when the controller answers GET /readyz with 200, else 1 — for the image's
// HEALTHCHECK (the image has no curl). Connection refused, a timeout or a 503 all mean unhealthy.
import { parseArgs } from 'node:util';
import { apiClient } from '../api-client.js';
import type { Command } from './command.js';
import { cliConfig, configOption } from './config-option.js';

interface ReadyBody {
  status?: string;
  checks?: Array<{ name: string; ok: boolean; error?: string }>;
}

export const healthcheck: Command = {
  summary: 'exit 0 when the running controller is ready (GET /readyz), 1 otherwise',
  usage: '[--config FILE] [--timeout SECONDS] [--quiet]',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { ...configOption, timeout: { type: 'string', default: '5' }, quiet: { type: 'boolean', short: 'q', default: false } },
    });
    const timeoutMs = Math.max(1, Number(values.timeout) || 5) * 1000;
    const say = (line: string) => !values.quiet && console.log(line);
    let res: { status: number; body: unknown };
    try {
      res = await apiClient(cliConfig(values.config).config).request('GET', '/readyz', undefined, timeoutMs);
    } catch (err) {
      say(`unhealthy: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
    const body = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as ReadyBody;
    if (res.status === 200) {
      say('ready');
      return 0;
    }
    const failing = (body.checks ?? []).filter((c) => !c.ok).map((c) => `${c.name}: ${c.error ?? 'failed'}`);
    say(`unhealthy (HTTP ${res.status})${failing.length ? `: ${failing.join('; ')}` : ''}`);
    return 1;
  },
};
