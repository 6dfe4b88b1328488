// `baqup healthcheck`: exit 0 when the controller answers GET /readyz with 200, else 1 — for the image's
// HEALTHCHECK (the image has no curl). Connection refused, a timeout or a 503 all mean unhealthy.
import { apiClient } from '../api-client.js';
import { bool, str, type Command } from './command.js';
import { cliConfig, configOption } from './config-option.js';

interface ReadyBody {
  status?: string;
  checks?: Array<{ name: string; ok: boolean; error?: string }>;
}

export const healthcheck: Command = {
  summary: 'exit 0 when the running controller is ready (GET /readyz), 1 otherwise',
  options: [
    configOption,
    { flags: '--timeout <seconds>', description: 'how long to wait for the answer', default: '5' },
    { flags: '-q, --quiet', description: 'print nothing; the exit code says it', default: false },
  ],
  details: 'Output: "ready", or "unhealthy (HTTP 503): <failing checks>".\nExit codes: 0 ready, 1 not ready or not answering, 2 usage error.',
  examples: ['', '--quiet --timeout 10'],
  async run({ opts }) {
    const timeoutMs = Math.max(1, Number(str(opts, 'timeout')) || 5) * 1000;
    const say = (line: string) => !bool(opts, 'quiet') && console.log(line);
    let res: { status: number; body: unknown };
    try {
      res = await apiClient(cliConfig(str(opts, 'config')).config).request('GET', '/readyz', undefined, timeoutMs);
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
