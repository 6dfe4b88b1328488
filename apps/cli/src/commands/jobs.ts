// `baqup jobs [id...]`: the jobs since the controller started (GET /api/jobs), or the given ones (GET /api/jobs/:id) —
// what a `backup --no-wait` printed can be looked up here.
import { apiClient } from '../api-client.js';
import { printJson } from '../output/json.js';
import { showTime } from '../output/time.js';
import { humanSize } from '../output/size.js';
import { bool, str, type Command } from './command.js';
import { cliConfig, configOption, jsonOption } from './config-option.js';
import { jobLine, type JobView } from './backup.js';
import { table } from '../restore/cli-context.js';

type Listed = JobView & { queued_at?: string; started_at?: string; finished_at?: string; trigger?: string };

export const jobs: Command = {
  summary: 'show the jobs since the controller started (scheduled, backup now, safety copies), or the given job ids',
  arguments: [{ name: '[id...]', description: 'job ids, as `baqup backup --no-wait` prints them' }],
  options: [configOption, jsonOption],
  details: [
    'Output: without ids, a table ID, TARGET, TRIGGER, STATUS, BYTES, QUEUED, FINISHED (newest first, times in the config\'s',
    'timezone; BYTES of a running job: written so far); with ids, one line each.',
    '--json: { jobs: [{ job_id, target, trigger, status, queued_at, started_at, finished_at, bytes, expected_bytes, path, sha256, duration_seconds, error }] }.',
    'Exit codes: 0 found, 1 an id is unknown or the controller does not answer, 2 usage error.',
  ].join('\n'),
  examples: ['', '3f2a9c1e-…', '--json'],
  async run({ rest: ids, opts }) {
    const { config } = cliConfig(str(opts, 'config'));
    const api = apiClient(config);
    const tz = config.timezone;
    if (ids.length === 0) {
      const res = await api.request('GET', '/api/jobs');
      if (res.status !== 200) {
        console.error(`baqup jobs: the controller answered HTTP ${res.status}${res.status === 404 ? ' (a version without GET /api/jobs)' : ''}`);
        return 1;
      }
      const list = ((res.body as { jobs?: Listed[] }).jobs ?? []);
      if (bool(opts, 'json')) printJson({ jobs: list });
      else if (list.length === 0) console.log('no jobs since the controller started (next runs: `baqup status`)');
      else console.log(table(['ID', 'TARGET', 'TRIGGER', 'STATUS', 'BYTES', 'QUEUED', 'FINISHED'], list.map((j) => [j.job_id, j.target, j.trigger ?? '-', j.status, humanSize(j.bytes), showTime(j.queued_at, tz), showTime(j.finished_at, tz)])));
      return 0;
    }
    const found: Listed[] = [];
    let missing = 0;
    for (const id of ids) {
      const res = await api.request('GET', `/api/jobs/${encodeURIComponent(id)}`);
      if (res.status === 200) found.push(res.body as Listed);
      else {
        missing++;
        console.error(`baqup jobs: ${(res.body as { error?: string }).error ?? `no job "${id}" (HTTP ${res.status})`}`);
      }
    }
    if (bool(opts, 'json')) printJson({ jobs: found });
    else for (const j of found) console.log(jobLine(j));
    return missing > 0 ? 1 : 0;
  },
};
