// Alerts from the BUILT controller to a real ntfy-like server on 127.0.0.1: one message per failure (with ntfy
// headers and Basic auth), one per success with on_success, a notifier that is down never fails a backup, and a
// stale target is announced once (log line and alert). Real containers through the harness; every log line checked.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, execIn, runId, startContainer, useCleanup } from '../src/index.js';
import { startControllerProcess, useControllerCleanup, type ControllerProcess } from '../src/controller-process.js';
import { closedPort, startFakeNtfy, type FakeNtfy } from './notify-fixtures.js';
import { backupNow, expectCleanLogs, parsePrometheusText, sampleOf } from './observe-fixtures.js';

useCleanup();
useControllerCleanup();

const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; sleep 86400 & wait'];
const prefix = `e2e-${runId}-obs-`;
const TOKEN = `tok-${randomBytes(8).toString('hex')}`;
const NTFY_PW = `ntfy-${randomBytes(8).toString('hex')}`;
const PG_PW = `pg-${randomBytes(8).toString('hex')}`;
const WRONG_PW = `wrong-${randomBytes(8).toString('hex')}`;
const SECRETS = [TOKEN, NTFY_PW, PG_PW, WRONG_PW];
const basic = `Basic ${Buffer.from(`phil:${NTFY_PW}`).toString('base64')}`;

let base: string;
let ntfy: FakeNtfy | undefined;
beforeAll(async () => {
  base = await ensureImage('base');
});
afterEach(async () => {
  await ntfy?.close();
  ntfy = undefined;
});

const ntfyUrl = (n: FakeNtfy) => n.url('/alerts').replace('http://', `http://phil:${encodeURIComponent(NTFY_PW)}@`);

function controller(config: Record<string, unknown>, env: Record<string, string> = {}): Promise<ControllerProcess> {
  return startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: TOKEN }, ...config }, env });
}

/** Stops the controller (which flushes the notifier) and checks its whole output. */
async function finish(ctl: ControllerProcess): Promise<void> {
  const logs = ctl;
  await ctl.stop();
  expectCleanLogs(logs, SECRETS);
}

const events = (ctl: ControllerProcess, event: string, container: string) => ctl.logs().filter((l) => l.event === event && l.container === container);

// The shared engine also carries other test runs' labelled containers, which the controller discovers and may back
// up too: only messages about this test's container count (a coalesced batch lists every target in its body).
const about = (n: FakeNtfy, container: string) => n.delivered.filter((m) => m.body.includes(`${container}/`) || String(m.headers.title).includes(`${container}/`));
async function messagesAbout(n: FakeNtfy, container: string, count: number, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (about(n, container).length < count) {
    if (Date.now() > deadline) throw new Error(`${about(n, container).length} of ${count} messages about ${container} within ${timeoutMs} ms; all: ${JSON.stringify(n.delivered.map((m) => m.headers.title))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return about(n, container);
}
/** The title of a message about `target` alone, or of a batch that lists it. */
const titleFor = (single: string, batch: RegExp) => (t: unknown) => t === single || batch.test(String(t));

describe('notifications from the built controller (real ntfy-like server)', () => {
  it('a failing postgres backup sends exactly one ntfy message with its headers and auth; a repeat failure sends none', async () => {
    const pgImage = await ensureImage('postgres');
    const name = `${prefix}pgbad`;
    await startContainer({
      image: pgImage,
      name,
      env: { POSTGRES_PASSWORD: PG_PW, WRONG_PW },
      labels: { 'backup.enabled': 'true', 'backup.postgres.main.password_env': 'WRONG_PW' },
    });
    ntfy = await startFakeNtfy();
    const ctl = await controller({ notifications: { on_failure: [ntfyUrl(ntfy)] } });
    await ctl.waitFor((l) => l.some((c) => c.name === name), 60_000);

    const first = await backupNow(ctl, TOKEN, name);
    expect(first.jobs).toMatchObject([{ target: `${name}/postgres-main`, status: 'failed' }]);
    expect(first.jobs[0]!.error?.message).toMatch(/password authentication failed/);
    const [message] = await messagesAbout(ntfy, name, 1);
    expect(message).toMatchObject({ method: 'POST', path: '/alerts' });
    expect(message!.headers).toMatchObject({ priority: '4', tags: 'rotating_light,backup', authorization: basic });
    expect(message!.headers.title).toSatisfy(titleFor(`baqup: backup failed: ${name}/postgres-main`, /^baqup: \d+ backups failing/));
    expect(message!.body).toContain(`${name}/postgres-main`);

    const second = await backupNow(ctl, TOKEN, name);
    expect(second.jobs[0]!.status).toBe('failed');
    await finish(ctl); // flushes anything the notifier still held
    expect(about(ntfy, name)).toHaveLength(1);
    expect(ntfy.requests).toHaveLength(ntfy.delivered.length); // every request was a delivered message, none retried
    expect(events(ctl, 'job.failed', name)).toHaveLength(2);
  });

  it('a succeeding backup sends one message when on_success is set, and /metrics carries its series', async () => {
    const name = `${prefix}fsok`;
    await startContainer({ image: base, name, cmd: SLEEPER, labels: { 'backup.enabled': 'true', 'backup.fs.etc.path': '/etc' } });
    ntfy = await startFakeNtfy();
    const ctl = await controller({ notifications: { on_failure: [ntfyUrl(ntfy)], on_success: [ntfyUrl(ntfy)] } });
    await ctl.waitFor((l) => l.some((c) => c.name === name), 60_000);

    const run = await backupNow(ctl, TOKEN, name);
    expect(run.jobs).toMatchObject([{ target: `${name}/fs-etc`, status: 'succeeded' }]);
    const [message] = await messagesAbout(ntfy, name, 1);
    expect(message!.headers).toMatchObject({ priority: '3', tags: 'white_check_mark,backup', authorization: basic });
    expect(message!.headers.title).toSatisfy(titleFor(`baqup: backup succeeded: ${name}/fs-etc`, /^baqup: \d+ backups ok/));

    const res = await fetch(`http://${ctl.api}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const m = parsePrometheusText(await res.text());
    // `baqup_container`, not `container` (renamed: Docker service discovery's relabelling would make it exported_container).
    const labels = { baqup_container: name, target: 'fs-etc', schedule: 'daily' };
    // Waited for: the controller answers in the same tick it logs job.succeeded, so the line may trail the answer.
    const job = await ctl.waitForLog((l) => l.event === 'job.succeeded' && l.container === name, 10_000);
    expect(sampleOf(m, 'baqup_target_last_size_bytes', labels)).toBe(run.jobs[0]!.bytes);
    expect(sampleOf(m, 'baqup_target_last_size_bytes', labels)).toBe(job.bytes);
    const lastSuccess = sampleOf(m, 'baqup_target_last_success_timestamp_seconds', labels);
    expect(Math.abs(lastSuccess * 1000 - Date.parse(String(job.time)))).toBeLessThan(5_000);
    expect(sampleOf(m, 'baqup_target_last_attempt_timestamp_seconds', labels)).toBe(lastSuccess);
    expect(sampleOf(m, 'baqup_target_last_duration_seconds', labels)).toBeGreaterThan(0);
    expect(sampleOf(m, 'baqup_target_failures_total', labels)).toBe(0);
    expect(sampleOf(m, 'baqup_target_stale', labels)).toBe(0);
    expect(m.get('baqup_target_failures_total')!.type).toBe('counter');
    expect(sampleOf(m, 'baqup_jobs_running')).toBe(0);
    expect(sampleOf(m, 'baqup_jobs_queued')).toBe(0);
    expect(sampleOf(m, 'baqup_containers_discovered')).toBeGreaterThanOrEqual(1);
    expect(sampleOf(m, 'baqup_docker_up')).toBe(1);
    // prom-client's series: the job's result, duration and uploaded bytes, build info, held containers, process metrics.
    expect(sampleOf(m, 'baqup_job_results_total', { ...labels, outcome: 'success' })).toBe(1);
    expect(sampleOf(m, 'baqup_job_results_total', { ...labels, outcome: 'failure' })).toBe(0);
    expect(sampleOf(m, 'baqup_uploaded_bytes_total', labels)).toBe(job.bytes);
    expect(m.get('baqup_job_duration_seconds')!.type).toBe('histogram');
    expect(sampleOf(m, 'baqup_job_duration_seconds_count', { ...labels, outcome: 'success' })).toBe(1);
    expect(sampleOf(m, 'baqup_job_duration_seconds_bucket', { ...labels, outcome: 'success', le: '+Inf' })).toBe(1);
    expect(sampleOf(m, 'baqup_build_info')).toBe(1);
    expect(m.get('baqup_containers_held')!.samples.map((x) => x.labels.status).sort()).toEqual(['start-failed', 'stopped', 'stopping']);
    expect(sampleOf(m, 'process_start_time_seconds')).toBeGreaterThan(0);
    expect([...m.values()].flatMap((f) => f.samples).some((s) => 'container' in s.labels)).toBe(false);

    await finish(ctl);
    expect(about(ntfy, name)).toHaveLength(1);
  });

  it('a notifier that is down does not fail the backup: the job succeeds and notify.failed is logged', async () => {
    const name = `${prefix}fsdown`;
    await startContainer({ image: base, name, cmd: SLEEPER, labels: { 'backup.enabled': 'true', 'backup.fs.etc.path': '/etc' } });
    const dead = `http://phil:${encodeURIComponent(NTFY_PW)}@127.0.0.1:${await closedPort()}/alerts`;
    const ctl = await controller({ notifications: { on_failure: [dead], on_success: [dead] } });
    await ctl.waitFor((l) => l.some((c) => c.name === name), 60_000);
    const run = await backupNow(ctl, TOKEN, name);
    expect(run.jobs).toMatchObject([{ status: 'succeeded' }]);
    expect(run.jobs[0]!.bytes).toBeGreaterThan(0);
    const failed = await ctl.waitForLog((l) => l.event === 'notify.failed', 60_000);
    expect(failed.level).toBe('error');
    // The controller keeps working after the failed delivery.
    expect((await backupNow(ctl, TOKEN, name)).jobs[0]!.status).toBe('succeeded');
    await finish(ctl);
  });
});

describe('staleness (per-second schedules, staleness_factor 1)', () => {
  const fast = { 'backup.schedule.fast.cron': '*/2 * * * * *', 'backup.schedule.fast.retention': '2' };

  it('a target whose backups keep failing turns stale once (one target.stale line, one alert), and recovers once', async () => {
    const name = `${prefix}stalefail`;
    const c = await startContainer({
      image: base,
      name,
      cmd: SLEEPER,
      labels: { 'backup.enabled': 'true', ...fast, 'backup.fs.data.path': '/srv/data', 'backup.fs.data.schedule': 'fast' },
    });
    ntfy = await startFakeNtfy();
    const ctl = await controller({ staleness_factor: 1, notifications: { on_failure: [ntfyUrl(ntfy)] } });
    const stale = await ctl.waitForLog((l) => l.event === 'target.stale' && l.container === name, 60_000);
    expect(stale).toMatchObject({ level: 'warn', target: 'fs-data', schedule: 'fast', last_success: null });
    // Several more failing runs after the stale line: nothing more is said about it.
    const failuresAtStale = events(ctl, 'job.failed', name).length;
    await ctl.waitForLog(() => events(ctl, 'job.failed', name).length >= failuresAtStale + 4, 60_000);
    const [alert] = await messagesAbout(ntfy, name, 1);
    expect(alert!.headers.title).toSatisfy(titleFor(`baqup: backup failed: ${name}/fs-data`, /^baqup: \d+ backups failing/));
    expect(alert!.body).toMatch(new RegExp(`✗ ${name}/fs-data`));
    expect(about(ntfy, name)).toHaveLength(1);
    expect(events(ctl, 'target.stale', name)).toHaveLength(1);

    const m = parsePrometheusText(await (await fetch(`http://${ctl.api}/metrics`)).text());
    const labels = { baqup_container: name, target: 'fs-data', schedule: 'fast' };
    expect(sampleOf(m, 'baqup_target_stale', labels)).toBe(1);
    expect(sampleOf(m, 'baqup_target_failures_total', labels)).toBeGreaterThanOrEqual(failuresAtStale + 4);
    const view = (await ctl.containers()).find((x) => x.name === name)!;
    expect(view.targets[0]!.status).toBe('error');

    // The path appears: the next run succeeds, the target recovers (one line, one recovery message).
    await execIn(c, ['mkdir', '-p', '/srv/data']);
    const recovered = await ctl.waitForLog((l) => l.event === 'target.recovered' && l.container === name, 60_000);
    expect(recovered).toMatchObject({ level: 'info', target: 'fs-data', schedule: 'fast' });
    expect(recovered.failing_for_ms).toBeGreaterThan(0);
    const [, recovery] = await messagesAbout(ntfy, name, 2);
    expect(recovery!.headers.title).toSatisfy(titleFor(`baqup: backup recovered: ${name}/fs-data`, /^baqup: \d+ backups ok/));
    const after = parsePrometheusText(await (await fetch(`http://${ctl.api}/metrics`)).text());
    expect(sampleOf(after, 'baqup_target_stale', labels)).toBe(0);

    await finish(ctl);
    expect(events(ctl, 'target.stale', name)).toHaveLength(1);
    expect(events(ctl, 'target.recovered', name)).toHaveLength(1);
    expect(about(ntfy, name)).toHaveLength(2);
  });

  it('a target whose job never finishes turns stale: one "overdue" alert and one target.stale line', async () => {
    const name = `${prefix}stalehang`;
    await startContainer({
      image: base,
      name,
      cmd: SLEEPER,
      labels: { 'backup.enabled': 'true', ...fast, 'backup.fs.data.path': '/etc', 'backup.fs.data.schedule': 'fast', 'backup.fs.data.pre_exec': 'sleep 600' },
    });
    ntfy = await startFakeNtfy();
    const ctl = await controller({ staleness_factor: 1, notifications: { on_failure: [ntfyUrl(ntfy)] } }, { BAQUP_STALE_CHECK_MS: '500', BAQUP_SHUTDOWN_GRACE_MS: '1000' });
    const stale = await ctl.waitForLog((l) => l.event === 'target.stale' && l.container === name, 60_000);
    expect(stale).toMatchObject({ level: 'warn', target: 'fs-data', schedule: 'fast', last_success: null });
    const [alert] = await messagesAbout(ntfy, name, 1);
    expect(alert!.headers).toMatchObject({ authorization: basic, priority: '4' });
    expect(alert!.headers.title).toSatisfy(titleFor(`baqup: backup overdue: ${name}/fs-data`, /^baqup: \d+ backups failing \(.*overdue\)/));
    // Later checks (every 0.5 s here) and skipped ticks say nothing more.
    await ctl.waitForLog(() => events(ctl, 'job.skipped', name).length >= 3, 60_000);
    await finish(ctl);
    expect(events(ctl, 'target.stale', name)).toHaveLength(1);
    expect(events(ctl, 'job.failed', name)).toHaveLength(0);
    expect(about(ntfy, name)).toHaveLength(1);
  });
});
