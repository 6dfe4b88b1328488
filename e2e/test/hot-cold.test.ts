// Hot and cold targets of one container on the same schedule never overlap (issue 12; the order is in
// docs/engines.md, "Hot and cold targets of one container never overlap"): a postgres container with a hot
// postgres target (pg_dumpall exec'd in the running container) and a cold fs target (backup.stop=true), both on
// one 6-field cron. Docker's own events are the witness: no exec of the dump runs between the container's stop
// (kill) and its start, and both backups succeed.
import { describe, expect, it } from 'vitest';
import { ensureImage, psql, startContainer, useCleanup } from '../src/index.js';
import { recordEvents } from './dump-fixtures.js';
import { startCtl, useCtlCleanup, waitDiscovered } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  timeNano: number;
}

describe('hot and cold targets of one container', () => {
  it('pg_dumpall and the cold stop never overlap, on the same schedule, and both backups succeed', { timeout: 300_000 }, async () => {
    const pw = `hc-${Date.now().toString(36)}`;
    const c = await startContainer({
      image: await ensureImage('postgres'),
      env: { POSTGRES_PASSWORD: pw },
      labels: {
        'backup.enabled': 'true',
        'backup.stop': 'true',
        'backup.schedule.tick.cron': '*/20 * * * * *',
        'backup.schedule.tick.retention': '100',
        'backup.postgres.main.schedule': 'tick',
        'backup.postgres.main.databases': 'all',
        'backup.fs.conf.schedule': 'tick',
        'backup.fs.conf.path': '/etc',
      },
    });
    // Enough rows that the dump takes a moment (a stop under it would break it).
    await psql(c, "CREATE TABLE filler AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS v FROM generate_series(1, 200000) g;");
    const events = await recordEvents();
    const ctl = await startCtl({ config: { concurrency: 4 } });
    await waitDiscovered(ctl, c.name, 2);
    const ok = (target: string) => (l: { event?: unknown; container?: unknown; target?: unknown }) => l.event === 'job.succeeded' && l.container === c.name && l.target === target;
    await ctl.waitForLog(ok('postgres-main'), 120_000);
    await ctl.waitForLog(ok('fs-conf'), 120_000);
    expect((await ctl.stop()).code).toBe(0);
    const log = (await events.stop())
      .split('\n')
      .map((l) => JSON.parse(l) as DockerEvent)
      .filter((e) => e.Actor?.ID === c.id);

    // Both ran in the same tick: their job.started lines are within one schedule interval of each other.
    const started = ctl.logs().filter((l) => l.event === 'job.started' && l.container === c.name);
    const firstOf = (t: string) => Date.parse(String(started.find((l) => l.target === t)?.time));
    expect(Math.abs(firstOf('postgres-main') - firstOf('fs-conf'))).toBeLessThan(5_000);

    // Hot intervals: every exec in the container, exec_start → exec_die (pg_dumpall and the psql pre-check).
    const execs = new Map<string, { cmd: string; from: bigint; to?: bigint }>();
    for (const e of log) {
      const id = e.Actor.Attributes.execID;
      if (!id) continue;
      if (e.Action.startsWith('exec_start:')) execs.set(id, { cmd: e.Action.slice('exec_start: '.length), from: BigInt(e.timeNano) });
      else if (e.Action === 'exec_die' && execs.has(id)) execs.get(id)!.to = BigInt(e.timeNano);
    }
    const dumps = [...execs.values()].filter((x) => /pg_dump/.test(x.cmd));
    expect(dumps.length).toBeGreaterThan(0);
    // Cold intervals: kill (baqup's stop) → start.
    const cold: { from: bigint; to: bigint }[] = [];
    let down: bigint | undefined;
    for (const e of log) {
      if (e.Type !== 'container') continue;
      if (e.Action === 'kill' && down === undefined) down = BigInt(e.timeNano);
      if (e.Action === 'start' && down !== undefined) {
        cold.push({ from: down, to: BigInt(e.timeNano) });
        down = undefined;
      }
    }
    expect(cold.length).toBeGreaterThan(0);
    expect(down, 'the container was started again after its last stop').toBeUndefined();
    for (const x of execs.values()) {
      expect(x.to, `exec ${x.cmd} ended`).toBeDefined();
      for (const h of cold) expect(x.to! < h.from || x.from > h.to, `exec "${x.cmd}" overlaps the cold hold`).toBe(true);
    }
    // The order was one or the other; either is allowed (first come, first served per container).
    const hotFirst = dumps[0]!.from < cold[0]!.from;
    console.log(`hot-cold: ${hotFirst ? 'pg_dumpall finished before the stop' : 'the container was started again before pg_dumpall'}`);
    expect(ctl.logs().filter((l) => l.event === 'job.failed' && l.container === c.name)).toEqual([]);
  });
});
