// One measured backup through the controller's API, and one measured shell pipeline; both return the same shape.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpuTimes, loadAvg, resetPeakRss, rssKb } from './proc.mjs';
import { timed } from './shell.mjs';

/** Wall ms of a shell pipeline writing `out`, its size, then the file is removed. */
export async function shellRun(script, out, env) {
  const load = loadAvg();
  const r = await timed(script, { env });
  const size = out ? statSync(out).size : Number(r.stdout);
  if (out) rmSync(out, { force: true });
  return { ms: r.wallMs, size, cpuMs: r.childCpuMs, load };
}

const ms = (iso) => Date.parse(iso);

/**
 * POST /api/backups {wait:true} for one target. `ms` is dump start → staged (job.started to the `backup staged`
 * line: dump, compress, write, sha256, fsync, rename); `totalMs` includes the upload to the remote dir.
 * Peak RSS is the controller's VmHWM, reset just before the job. The staged and uploaded files are removed after.
 */
export async function controllerRun(ctl, container, target) {
  const from = ctl.lines.length;
  const reset = resetPeakRss(ctl.pid);
  const cpu0 = cpuTimes(ctl.pid);
  const load = loadAvg();
  // CPU up to staging: sampled as the `backup staged` line arrives, before the upload (rclone) adds its own.
  // Children: the zstd process, reaped before that line.
  let cpuStaged;
  ctl
    .waitForLog((l) => l.msg === 'backup staged' && l.container === container, 3_600_000, from)
    .then(() => {
      const c = cpuTimes(ctl.pid);
      cpuStaged = { self: c.self - cpu0.self, children: c.children - cpu0.children };
    })
    .catch(() => undefined);
  const t0 = Date.now();
  const res = await ctl.post('/api/backups', { container, target, wait: true });
  const totalWall = Date.now() - t0;
  const { hwm } = rssKb(ctl.pid);
  const job = res.body?.jobs?.[0];
  if (res.status !== 200 || job?.status !== 'succeeded') throw new Error(`backup ${container}/${target}: HTTP ${res.status}: ${res.text.slice(0, 600)}`);
  const mine = ctl.lines.slice(from).filter((l) => l.job_id === job.job_id);
  const started = mine.find((l) => l.event === 'job.started');
  const staged = mine.find((l) => l.msg === 'backup staged');
  const done = mine.find((l) => l.event === 'job.succeeded');
  if (!started || !staged || !done) throw new Error(`backup ${container}/${target}: missing job.started/backup staged/job.succeeded lines (logging level must be debug)`);
  const size = statSync(job.path).size;
  for (const side of ['staging', 'remote']) {
    const d = join(ctl.dir, 'data', side, container, target);
    for (const f of safeList(d)) rmSync(join(d, f), { force: true });
  }
  return { ms: ms(staged.time) - ms(started.time), totalMs: ms(done.time) - ms(started.time), totalWall, size, hwmKb: reset ? hwm : NaN, cpuMs: cpuStaged ? cpuStaged.self + cpuStaged.children : NaN, ctlCpuMs: cpuStaged?.self, load };
}

function safeList(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
