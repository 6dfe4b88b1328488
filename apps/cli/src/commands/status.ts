// `baqup status`: the running controller at a glance — ready or not (GET /readyz), the engine (GET /api/status),
// and every target grouped by state (GET /api/containers), times in the config's timezone.
import { apiClient } from '../api-client.js';
import { printJson } from '../output/json.js';
import { retentionWords } from '../output/retention.js';
import { showTime } from '../output/time.js';
import { bool, str, type Command } from './command.js';
import { cliConfig, configOption, jsonOption } from './config-option.js';

interface StatusBody {
  docker?: { connected: boolean; address?: string; lastError?: string };
  containers?: number;
  targets?: number;
  queue?: { running: string[]; queued: string[] };
}

interface TargetEntry {
  key: string;
  status: string;
  schedule: string;
  retention?: Parameters<typeof retentionWords>[0];
  nextRun?: string;
  lastSuccess?: string;
  lastError?: string;
}

export interface StatusReport {
  controller: { url: string; ready: boolean; failing: string[] };
  engine: { connected: boolean; address?: string; last_error?: string };
  queue: { running: string[]; queued: string[] };
  targets: Record<string, TargetEntry[]>;
}

/** Order of the groups: what needs attention first. */
const ORDER = ['error', 'warning', 'unknown', 'healthy'];

export function renderStatus(r: StatusReport, timeZone: string): string {
  const out = [
    `controller  ${r.controller.ready ? 'ready' : `NOT READY (${r.controller.failing.join(', ') || 'unknown'})`} at ${r.controller.url}`,
    `engine      ${r.engine.connected ? 'connected' : `NOT CONNECTED${r.engine.last_error ? `: ${r.engine.last_error}` : ''}`}${r.engine.address ? ` (${r.engine.address})` : ''}`,
    `queue       ${r.queue.running.length} running${r.queue.running.length ? ` (${r.queue.running.join(', ')})` : ''}, ${r.queue.queued.length} queued`,
  ];
  const groups = Object.entries(r.targets).sort(([a], [b]) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
  const total = groups.reduce((n, [, ts]) => n + ts.length, 0);
  out.push(`targets     ${total}${total ? `: ${groups.map(([s, ts]) => `${ts.length} ${s}`).join(', ')}` : ' (no labelled container)'}`);
  for (const [state, ts] of groups) {
    out.push('', `${state}:`);
    for (const t of ts) {
      const when = `last success ${showTime(t.lastSuccess, timeZone)}, next ${showTime(t.nextRun, timeZone)}`;
      out.push(`  ${t.key.padEnd(32)} ${t.schedule} (${retentionWords(t.retention)})  ${when}${t.lastError ? `\n    last error: ${t.lastError}` : ''}`);
    }
  }
  return out.join('\n');
}

export const status: Command = {
  summary: 'the running controller: ready or not, the Docker engine, the queue, targets by state',
  options: [configOption, jsonOption],
  details: [
    'Output: controller, engine and queue lines, then each target under its state (error, warning, unknown, healthy).',
    '--json: { controller: { url, ready, failing }, engine: { connected, address, last_error }, queue, targets: { <state>: [...] } }.',
    'Exit codes: 0 ready, 1 not ready or not answering, 2 usage error.',
  ].join('\n'),
  examples: ['', '--json'],
  async run({ opts }) {
    const { config } = cliConfig(str(opts, 'config'));
    const api = apiClient(config);
    const [ready, st, containers] = await Promise.all([api.request('GET', '/readyz'), api.request('GET', '/api/status'), api.request('GET', '/api/containers')]);
    if (st.status !== 200 || containers.status !== 200) {
      console.error(`baqup status: the controller at ${api.base} answered HTTP ${st.status !== 200 ? st.status : containers.status}${st.status === 401 ? ' (set BAQUP_API_TOKEN or api.token_file)' : ''}`);
      return 1;
    }
    const s = st.body as StatusBody;
    const targets: Record<string, TargetEntry[]> = {};
    for (const c of containers.body as Array<{ targets: TargetEntry[] }>) for (const t of c.targets) (targets[t.status] ??= []).push(t);
    const readyBody = (ready.body ?? {}) as { failing?: string[] };
    const report: StatusReport = {
      controller: { url: api.base, ready: ready.status === 200, failing: readyBody.failing ?? [] },
      engine: { connected: s.docker?.connected ?? false, ...(s.docker?.address ? { address: s.docker.address } : {}), ...(s.docker?.lastError ? { last_error: s.docker.lastError } : {}) },
      queue: s.queue ?? { running: [], queued: [] },
      targets,
    };
    if (bool(opts, 'json')) printJson(report);
    else console.log(renderStatus(report, config.timezone));
    return report.controller.ready ? 0 : 1;
  },
};
