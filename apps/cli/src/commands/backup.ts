// `baqup backup <container> [target]`: run a backup now, through the controller's queue (POST /api/backups), and
// follow each job (GET /api/jobs/:id) with progress until it ends; --no-wait prints the job ids instead.
import { apiClient, type ApiClient } from '../api-client.js';
import { printJson } from '../output/json.js';
import { Progress } from '../output/progress.js';
import { humanDuration, humanSize } from '../output/size.js';
import { bool, str, type Command } from './command.js';
import { cliConfig, configOption, jsonOption } from './config-option.js';

export interface JobView {
  job_id: string;
  target: string;
  status: string;
  path?: string;
  bytes?: number;
  /** Running: what `bytes` is expected to reach (the target's last backup). */
  expected_bytes?: number;
  duration_seconds?: number;
  error?: { code: string; message: string };
  message?: string;
  plan?: unknown;
}

const FINISHED = new Set(['succeeded', 'failed', 'skipped']);
const WAIT_LIMIT_MS = 6 * 3600_000;

/** One line for a job, as `backup` and `jobs` print it. */
export function jobLine(j: JobView): string {
  if (j.status === 'succeeded') {
    const took = j.duration_seconds === undefined ? '' : ` in ${humanDuration(j.duration_seconds)}`;
    return `${j.target}: succeeded, ${humanSize(j.bytes ?? 0)}${took} → ${j.path ?? ''}`;
  }
  if (j.status === 'running' && j.bytes !== undefined) return `${j.target}: running as ${j.job_id}, ${humanSize(j.bytes)} written${j.expected_bytes ? ` (last backup ${humanSize(j.expected_bytes)})` : ''}`;
  if (j.status === 'queued' || j.status === 'running') return `${j.target}: ${j.status} as ${j.job_id}`;
  return `${j.target}: ${j.status}: ${j.error?.message ?? j.message ?? ''}${j.error?.code ? ` (${j.error.code})` : ''}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls each job until it has finished, with progress; each result is printed as it comes in (text mode). */
async function follow(api: ApiClient, queued: JobView[], json: boolean, pollMs: number, everyMs: number): Promise<JobView[]> {
  const current = new Map(queued.map((j) => [j.job_id, j]));
  // Text: progress lines go to stdout with the report; --json keeps stdout for the one document.
  const tty = process.stderr.isTTY === true;
  const sink = tty || json ? { write: (t: string) => process.stderr.write(t), isTTY: tty, columns: process.stderr.columns } : { write: (t: string) => process.stdout.write(t), isTTY: false };
  const progress = new Progress({ sink, everyMs });
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while ([...current.values()].some((j) => !FINISHED.has(j.status)) && Date.now() < deadline) {
    await sleep(pollMs);
    for (const [id, j] of current) {
      if (FINISHED.has(j.status)) continue;
      const res = await api.request('GET', `/api/jobs/${encodeURIComponent(id)}`);
      if (res.status !== 200) continue; // a hiccup: asked again next round
      const next = res.body as JobView;
      current.set(id, next);
      if (FINISHED.has(next.status) && !json) {
        progress.clear();
        console.log(jobLine(next));
      }
    }
    // Once every job has ended its line is printed: no "n/n done" progress line after it.
    if ([...current.values()].every((j) => FINISHED.has(j.status))) break;
    progress.update([...current.values()].map((j) => ({
      label: j.target,
      state: j.status,
      done: FINISHED.has(j.status),
      ...(j.status === 'running' && j.bytes !== undefined ? { bytes: j.bytes, ...(j.expected_bytes ? { expected: j.expected_bytes } : {}) } : {}),
    })));
  }
  progress.clear();
  return [...current.values()];
}

export const backup: Command = {
  summary: 'back up a container now (all its targets, or one), through the running controller',
  arguments: [
    { name: '<container>', description: 'a labelled container (see `baqup plan`)' },
    { name: '[target]', description: 'only this target: postgres-main, or main' },
  ],
  options: [
    configOption,
    { flags: '--dry-run', description: 'print what each job would run; run nothing', default: false },
    { flags: '--no-wait', description: 'queue the jobs and print their ids (look them up with `baqup jobs <id>`)' },
    { flags: '--progress-interval <seconds>', description: 'not on a terminal: seconds between progress lines', default: '10' },
    jsonOption,
  ],
  details: [
    'Output: one line per target as it finishes ("<container>/<target>: succeeded, 1.2 MiB in 4 s → <staged path>").',
    'A member of a backup group is backed up with its whole group, as one set: a first line names the group and every',
    'member\'s jobs, which all follow (docs/labels.md, Groups).',
    'While it waits: a progress bar on a terminal (stderr), else a line every --progress-interval seconds (stdout;',
    'stderr with --json), each with the bytes written so far, the rate and, from the last backup\'s size, an ETA',
    '("… 20 s: 0/1 done; gitea/fs-data running 120.0 MiB of ~300.0 MiB at 6.0 MiB/s, ~30 s left"). NO_COLOR turns colour off.',
    '--json: { jobs: [{ job_id, target, status, path, bytes, sha256, duration_seconds, error }] } (--dry-run: { dry_run, jobs: [{ plan }] }; group: the group\'s name for a member).',
    'Exit codes: 0 every job succeeded (or was queued with --no-wait), 1 a job failed or the controller refused, 2 usage error.',
  ].join('\n'),
  examples: ['gitea-db', 'gitea-db postgres-main', 'gitea-db --no-wait', 'gitea --dry-run --json'],
  async run({ args: [container, target], opts }) {
    if (!container) {
      console.error('baqup backup: a container name is required (see `baqup plan`)');
      return 2;
    }
    const json = bool(opts, 'json');
    const dryRun = bool(opts, 'dryRun');
    const every = Number(str(opts, 'progressInterval') ?? '10');
    if (!Number.isFinite(every) || every <= 0) {
      console.error(`baqup backup: --progress-interval must be a number of seconds above 0, got "${str(opts, 'progressInterval')}"`);
      return 2;
    }
    const api = apiClient(cliConfig(str(opts, 'config')).config);
    // An older controller without GET /api/jobs: the one long request, as before.
    const canFollow = !dryRun && opts.wait !== false && (await api.request('GET', '/api/jobs')).status === 200;
    const waitInRequest = !dryRun && opts.wait !== false && !canFollow;
    const res = await api.request('POST', '/api/backups', { container, ...(target ? { target } : {}), wait: waitInRequest, dryRun }, waitInRequest ? WAIT_LIMIT_MS : 10_000);
    const body = res.body as { jobs?: JobView[]; error?: string; dry_run?: boolean; group?: string };
    if (body.error || !body.jobs) {
      if (json) printJson(body);
      else console.error(`baqup backup: ${body.error ?? JSON.stringify(body)} (HTTP ${res.status})`);
      return res.status === 400 ? 2 : 1;
    }
    if (body.group && !json) console.log(`${container} is a member of backup group ${body.group}: the whole group runs as one set (${body.jobs.length} job${body.jobs.length === 1 ? '' : 's'}: ${body.jobs.map((j) => j.target).join(', ')})`);
    if (dryRun || opts.wait === false || waitInRequest) {
      if (json) printJson(body);
      else
        for (const j of body.jobs) {
          if (dryRun) console.log(`${j.target}: would run\n${JSON.stringify(j.plan, null, 2)}`);
          else console.log(jobLine(j));
        }
      if (!json && opts.wait === false) console.log(`look up with: baqup jobs ${body.jobs.map((j) => j.job_id).join(' ')}`);
      return res.status >= 200 && res.status < 300 ? 0 : 1;
    }
    const done = await follow(api, body.jobs, json, 1000, every * 1000);
    if (json) printJson({ ...(body.group ? { group: body.group } : {}), jobs: done });
    return done.every((j) => j.status === 'succeeded') ? 0 : 1;
  },
};
