// Cancelling queued jobs, against the BUILT controller and real labelled sqlite containers, with concurrency 1 behind
// a slow job (a pre_exec that sleeps): DELETE /api/jobs/{id} takes a queued job out of the queue — it never starts,
// nothing of it is staged, /api/jobs, its log lines and /api/stream say cancelled, and the job behind it runs in
// its place — while the running job is refused with 409 and finishes untouched. Then the same from the dashboard:
// the Cancel button of a queued job in Activity.
import { describe, expect, it } from 'vitest';
import { ensureImage, sqliteSql, startContainer, type TestContainer } from '../src/index.js';
import { appIdle } from './dump-fixtures.js';
import { startBaqup, type Baqup } from './restore-fixtures.js';
import { openPage, TOKEN, useDashboard } from './dashboard-fixtures.js';

const run = useDashboard();

interface Job {
  job_id: string;
  target: string;
  status: string;
  started_at?: string;
  reason?: string;
  message?: string;
}

async function sqliteApp(labels: Record<string, string> = {}): Promise<TestContainer> {
  const c = await startContainer({ image: await ensureImage('sqlite'), labels: { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db', ...labels } });
  await appIdle(c);
  await sqliteSql(c, '/data/app.db', "INSERT INTO items (name) VALUES ('one');");
  return c;
}

const auth = { authorization: `Bearer ${TOKEN}` };

function api(b: Baqup) {
  const url = (path: string) => `http://${b.ctl.api}/api/${path}`;
  return {
    /** Back up now without waiting: the job's id. */
    async queue(container: string): Promise<string> {
      const res = await fetch(url('backups'), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ container }) });
      expect(res.status).toBe(202);
      return ((await res.json()) as { jobs: Job[] }).jobs[0]!.job_id;
    },
    job: async (id: string): Promise<Job> => (await (await fetch(url(`jobs/${id}`))).json()) as Job,
    cancel: (id: string, headers: Record<string, string> = auth) => fetch(url(`jobs/${encodeURIComponent(id)}`), { method: 'DELETE', headers }),
    async until(id: string, status: string, timeout = 120_000): Promise<Job> {
      await expect.poll(async () => (await this.job(id)).status, { timeout, interval: 250 }).toBe(status);
      return this.job(id);
    },
    url,
  };
}

/** The events of GET /api/stream as they come, until `stop`. */
function listen(url: string): { events: Array<{ event: string; data: string }>; stop: () => void } {
  const events: Array<{ event: string; data: string }> = [];
  const ctl = new AbortController();
  void (async () => {
    const res = await fetch(url, { signal: ctl.signal, headers: { accept: 'text/event-stream' } });
    let buf = '';
    for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join('\n');
        if (event) events.push({ event, data });
      }
    }
  })().catch(() => {});
  return { events, stop: () => ctl.abort() };
}

describe('cancelling queued jobs', () => {
  it('takes a queued job out of the queue through the API: it never runs, the job behind it does, the running one is refused', async () => {
    const b = (run.baqup = await startBaqup({ concurrency: 1 }));
    const [slow, first, second] = await Promise.all([sqliteApp({ 'backup.sqlite.app.pre_exec': 'sleep 20' }), sqliteApp(), sqliteApp()]);
    for (const c of [slow, first, second]) await b.waitTargets(c.name, 1);
    const a = api(b);
    const stream = listen(a.url('stream'));

    const slowJob = await a.queue(slow.name);
    await a.until(slowJob, 'running', 60_000);
    const cancelled = await a.queue(first.name);
    const behind = await a.queue(second.name);
    expect((await a.job(cancelled)).status).toBe('queued');
    expect((await a.job(behind)).status).toBe('queued');
    const status = (await (await fetch(a.url('status'))).json()) as { queue: { running: string[]; queued: string[] } };
    expect(status.queue).toEqual({ running: [`${slow.name}/sqlite-app`], queued: [`${first.name}/sqlite-app`, `${second.name}/sqlite-app`] });

    // Guarded like every action; hostile ids answer, never crash.
    expect((await a.cancel(cancelled, {})).status).toBe(401);
    expect((await a.cancel(cancelled, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await a.cancel('x'.repeat(300))).status).toBe(400);
    for (const id of ['nope', '../../etc', '\u0000', '%', "' OR 1=1 --"]) {
      const res = await a.cancel(id);
      expect(res.status, id).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'BAQUP_API_NO_JOB', field: 'params.id' });
    }

    const res = await a.cancel(cancelled);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ job_id: cancelled, target: `${first.name}/sqlite-app`, status: 'cancelled', reason: 'cancelled', message: expect.stringContaining('never ran') });
    const again = await a.cancel(cancelled);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'BAQUP_API_JOB_NOT_QUEUED', error: expect.stringContaining('already finished (cancelled)') });
    const refused = await a.cancel(slowJob);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'BAQUP_API_JOB_NOT_QUEUED', error: expect.stringContaining('it is running') });
    const after = (await (await fetch(a.url('status'))).json()) as { queue: { running: string[]; queued: string[] } };
    expect(after.queue).toEqual({ running: [`${slow.name}/sqlite-app`], queued: [`${second.name}/sqlite-app`] });

    // The slow one finishes untouched, the one behind the cancelled one runs next; the cancelled one never started.
    expect((await a.until(slowJob, 'succeeded')).status).toBe('succeeded');
    await a.until(behind, 'succeeded');
    const gone = await a.job(cancelled);
    expect(gone).toMatchObject({ status: 'cancelled' });
    expect(gone.started_at).toBeUndefined();
    const lines = ((await (await fetch(a.url(`jobs/${cancelled}/logs`))).json()) as { lines: Array<{ event?: string }> }).lines.map((l) => l.event);
    expect(lines).toContain('job.cancelled');
    expect(lines).not.toContain('job.started');
    expect(b.ctl.logs().filter((l) => l.job_id === cancelled && l.event === 'job.started')).toEqual([]);
    const backups = (await (await fetch(a.url(`backups?container=${first.name}`))).json()) as { backups: unknown[] };
    expect(backups.backups).toEqual([]);
    const runs = (await (await fetch(a.url(`runs?container=${first.name}`))).json()) as { runs: unknown[] };
    expect(runs.runs).toEqual([]); // not a run: nothing was dumped, the target's health is untouched

    // The stream said so as it happened.
    await expect.poll(() => stream.events.some((e) => e.event === 'jobs' && (JSON.parse(e.data) as Job[]).some((j) => j.job_id === cancelled && j.status === 'cancelled')), { timeout: 15_000 }).toBe(true);
    stream.stop();
  }, 240_000);

  it('the Cancel button of a queued job in Activity cancels it; a running job has none', async () => {
    const b = (run.baqup = await startBaqup({ concurrency: 1 })); // each test's controller is stopped after it
    const a = api(b);
    const [slow, waiting] = await Promise.all([sqliteApp({ 'backup.sqlite.app.pre_exec': 'sleep 20' }), sqliteApp()]);
    for (const c of [slow, waiting]) await b.waitTargets(c.name, 1);
    const { page, pageErrors } = await openPage(run, { token: true });
    await page.click('a[href="#/activity"]');

    const slowJob = await a.queue(slow.name);
    await a.until(slowJob, 'running', 60_000);
    const queued = await a.queue(waiting.name);
    const row = page.locator(`[data-testid="active-job"][data-job="${queued}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 15_000 }).toBe('queued');
    await expect.poll(() => page.locator(`[data-testid="active-job"][data-job="${slowJob}"]`).getAttribute('data-status'), { timeout: 15_000 }).toBe('running');
    expect(await page.locator(`[data-testid="active-job"][data-job="${slowJob}"]`).getByRole('button', { name: /^Cancel/ }).count()).toBe(0);

    await row.getByRole('button', { name: `Cancel the queued job of ${waiting.name}/sqlite-app` }).click();
    await expect.poll(() => page.getByTestId('message').textContent(), { timeout: 15_000 }).toBe(`Cancelled: ${waiting.name}/sqlite-app (it never ran)`);
    // By the stream alone: it leaves the queue and is listed as finished, cancelled.
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
    const done = page.locator(`[data-testid="finished-job"][data-job="${queued}"]`);
    await expect.poll(() => done.getAttribute('data-status'), { timeout: 15_000 }).toBe('cancelled');
    expect(await done.textContent()).toContain('never ran');
    expect((await a.job(queued)).status).toBe('cancelled');

    await a.until(slowJob, 'succeeded');
    expect((await a.job(queued)).started_at).toBeUndefined();
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 240_000);
});
