// Stop/start safety and failure paths of @baqup/dump against real containers: backup.stop=true stops once and
// starts again after success, failure and timeout; the journal brings back a container a "crashed" controller
// left down; concurrent holds stop/start once; a timed-out exec is really killed inside the container.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerHolds, startDump } from '@baqup/dump';
import { ensureImage, isRunning, execIn, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { appIdle, dumpEnv, dumpToFile, lifecycle, makeJob, processes, recordEvents, runOperator, until, type Env } from './dump-fixtures.js';

useCleanup();

let env: Env;
let appImage: string;

beforeAll(async () => {
  appImage = await ensureImage('sqlite');
  env = await dumpEnv();
});

afterAll(async () => env?.dispose());

async function app(): Promise<TestContainer> {
  const c = await startContainer({ image: appImage });
  await appIdle(c);
  return c;
}

const running = isRunning;
const count = (actions: string[], action: string) => actions.filter((a) => a === action).length;

describe('backup.stop=true', () => {
  it('stops the container for the copy and starts it again after success', async () => {
    const c = await app();
    const events = await recordEvents();
    const { data } = await dumpToFile(env.deps, makeJob(c, { type: 'fs', path: '/data' }, { stop: true }), join(env.dir, 'ok.tar'));
    expect(data.length).toBeGreaterThan(1024);
    expect(await running(c)).toBe(true);
    const actions = lifecycle(await events.stop(), c.id);
    expect([count(actions, 'stop'), count(actions, 'start')]).toEqual([1, 1]);
    expect(await env.holds.journal.read()).toEqual([]);
    expect(env.log.lines.some((l) => l.fields?.event === 'container.stopped' && l.fields.container === c.name)).toBe(true);
  });

  it('starts it again after a failed dump, before the failure is reported', async () => {
    const c = await app();
    const events = await recordEvents();
    const out = await runOperator(env.deps, makeJob(c, { type: 'fs', path: '/missing' }, { stop: true }));
    expect(out.kind === 'failed' && out.result.error?.code).toBe('BAQUP_DUMP_SOURCE_MISSING');
    expect(await running(c)).toBe(true);
    const actions = lifecycle(await events.stop(), c.id);
    expect([count(actions, 'stop'), count(actions, 'start')]).toEqual([1, 1]);
    expect(await env.holds.journal.read()).toEqual([]);
  });

  it('a timeout while the dump is not being read ends it with BAQUP_DUMP_TIMEOUT and restarts the container', async () => {
    const c = await app();
    await execIn(c, ['sh', '-c', 'head -c 20000000 /dev/urandom > /data/big.bin']);
    // 5 s, not 1: the timer runs from the start of startDump, which must stop the container and open the archive
    // before it fires (on a loaded host a stop alone can take most of a second); unread, the 20 MB stall well before.
    const dumped = await startDump(env.deps, makeJob(c, { type: 'fs', path: '/data', timeoutSeconds: 5 }, { stop: true }));
    expect(await running(c)).toBe(false);
    const err = await new Promise<Error & { code?: string }>((resolve) => dumped.stream.once('error', resolve));
    expect(err.code).toBe('BAQUP_DUMP_TIMEOUT');
    expect(await running(c)).toBe(true);
    expect(await env.holds.journal.read()).toEqual([]);
  });
});

describe('failures', () => {
  it('a timed-out dump exec is killed inside the container and the stream errors', async () => {
    const c = await startContainer({ image: await ensureImage('base'), cmd: ['sleep', 'infinity'] });
    // Stand-ins for the postgres tools: the dump writes 1 MB, then hangs.
    const fake = [
      'printf "#!/bin/sh\\necho db1\\n" > /usr/local/bin/psql',
      'printf "#!/bin/sh\\necho \\"pg_dump (PostgreSQL) 15.0\\"\\n" > /usr/local/bin/pg_dump',
      'printf "#!/bin/sh\\nhead -c 1000000 /dev/zero\\nexec sleep 300\\n" > /usr/local/bin/pg_dumpall',
      'chmod 755 /usr/local/bin/psql /usr/local/bin/pg_dump /usr/local/bin/pg_dumpall',
    ].join('; ');
    expect((await execIn(c, ['sh', '-c', fake])).exitCode).toBe(0);
    // 10 s, not 2: the hang must be seen (an exec per look, slow on a loaded host) before the timeout kills it.
    const dumped = await startDump(env.deps, makeJob(c, { type: 'postgres', username: 'postgres', databases: 'all', timeoutSeconds: 10 }));
    await until('the dump to run', async () => (await processes(c)).some((p) => p.startsWith('sleep 300')));
    let bytes = 0;
    const err = await (async () => {
      try {
        for await (const chunk of dumped.stream as AsyncIterable<Buffer>) bytes += chunk.length;
      } catch (e) {
        return e as Error & { code?: string };
      }
      return undefined;
    })();
    expect(bytes).toBe(1_000_000);
    expect(err?.code).toBe('BAQUP_DUMP_TIMEOUT');
    await until('the hung dump to be gone', async () => !(await processes(c)).some((p) => p.startsWith('sleep 300')));
  });

  it('pre_exec runs first; its failure skips the target with BAQUP_DUMP_PRE_EXEC_FAILED', async () => {
    const c = await app();
    const ok = await dumpToFile(env.deps, makeJob(c, { type: 'fs', path: '/data', preExec: 'echo synced > /data/marker' }), join(env.dir, 'pre.tar'));
    expect(ok.data.includes(Buffer.from('synced'))).toBe(true);
    const out = await runOperator(env.deps, makeJob(c, { type: 'fs', path: '/data', preExec: 'echo "not ready" >&2; exit 3' }));
    expect(out.kind).toBe('failed');
    if (out.kind !== 'failed') return;
    expect(out.result.error).toEqual({ code: 'BAQUP_DUMP_PRE_EXEC_FAILED', message: 'pre_exec exited with code 3: not ready' });
  });
});

describe('holds and the journal', () => {
  it('a container left stopped by a crashed controller is started by the next replayJournal', async () => {
    const c = await app();
    const crashed = new ContainerHolds({ docker: env.client, journal: env.journal });
    await crashed.hold(c.id, c.name); // never released: the process "dies" here
    expect(await running(c)).toBe(false);
    expect((await crashed.journal.read()).map((e) => e.containerId)).toEqual([c.id]);

    const next = new ContainerHolds({ docker: env.client, journal: env.journal });
    const report = await next.replayJournal();
    expect(report).toMatchObject({ started: [c.name], skipped: [], failed: [] });
    expect(await running(c)).toBe(true);
    expect(await next.journal.read()).toEqual([]);
  });

  it('two holds on one container stop it once and start it once, after the last release', async () => {
    const c = await app();
    const holds = new ContainerHolds({ docker: env.client, journal: env.journal });
    const events = await recordEvents();
    const [r1, r2] = await Promise.all([holds.hold(c.id, c.name), holds.hold(c.id, c.name)]);
    expect(holds.isHeld(c.id)).toBe(true);
    await r1();
    expect(await running(c)).toBe(false);
    await r2();
    await r2(); // a second call of the same release is a no-op
    expect(await running(c)).toBe(true);
    expect(holds.isHeld(c.id)).toBe(false);
    const actions = lifecycle(await events.stop(), c.id);
    expect([count(actions, 'stop'), count(actions, 'start')]).toEqual([1, 1]);
  });

  it('a container that was already stopped is not started afterwards (smart stop)', async () => {
    const c = await app();
    await c.container.stop();
    const holds = new ContainerHolds({ docker: env.client, journal: env.journal });
    const release = await holds.hold(c.id, c.name);
    expect(await holds.journal.read()).toEqual([]);
    await release();
    expect(await running(c)).toBe(false);
  });

  it('releaseAll (SIGTERM) starts everything held now; later releases do nothing', async () => {
    const c = await app();
    const holds = new ContainerHolds({ docker: env.client, journal: env.journal });
    const release = await holds.hold(c.id, c.name);
    await holds.releaseAll();
    expect(await running(c)).toBe(true);
    expect(await holds.journal.read()).toEqual([]);
    await release();
    expect(await running(c)).toBe(true);
  });
});

describe('consumer gone', () => {
  it('destroying the dump stream kills a dump tool that is blocked without output', async () => {
    const c = await startContainer({ image: await ensureImage('base'), cmd: ['sleep', 'infinity'] });
    const fake = [
      'printf "#!/bin/sh\\necho db1\\n" > /usr/local/bin/psql',
      'printf "#!/bin/sh\\necho \\"pg_dump (PostgreSQL) 15.0\\"\\n" > /usr/local/bin/pg_dump',
      'printf "#!/bin/sh\\necho started\\nexec sleep 301\\n" > /usr/local/bin/pg_dumpall',
      'chmod 755 /usr/local/bin/psql /usr/local/bin/pg_dump /usr/local/bin/pg_dumpall',
    ].join('; ');
    expect((await execIn(c, ['sh', '-c', fake])).exitCode).toBe(0);
    const dumped = await startDump(env.deps, makeJob(c, { type: 'postgres', username: 'postgres', databases: 'all', timeoutSeconds: 600 }));
    await new Promise((resolve) => dumped.stream.once('data', resolve));
    await until('the dump to block', async () => (await processes(c)).some((p) => p.startsWith('sleep 301')));
    dumped.stream.destroy(); // e.g. the stage hit a full disk
    await until('the blocked dump to be killed', async () => !(await processes(c)).some((p) => p.startsWith('sleep 301')));
  });
});
