// @baqup/docker list/inspect, archive get/put/stat and stop/start against the real engine.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as tar from 'tar-stream';
import { createDockerClient, DockerNotFoundError } from '@baqup/docker';
import { docker, ensureImage, startContainer, useCleanup } from '../src/index.js';

useCleanup();

const client = createDockerClient();

async function untar(stream: Readable): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: unknown) => void chunks.push(c as Buffer));
    body.on('end', () => {
      if (header.type === 'file') files.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  stream.pipe(extract);
  await done;
  return files;
}

describe('list and inspect', () => {
  it('lists by label and inspects the fields discovery and stop need', async () => {
    const hostDir = mkdtempSync(join(tmpdir(), 'baqup-docker-e2e-'));
    writeFileSync(join(hostDir, 'f'), 'x');
    const tag = `t${Date.now()}`;
    const c = await startContainer({
      image: await ensureImage('base'),
      cmd: ['sleep', 'infinity'],
      labels: { 'backup.enabled': 'true', 'baqup.e2e.docker': tag },
      env: { APP_PASSWORD: 'pw' },
      stopSignal: 'SIGUSR1',
      binds: [`${hostDir}:/data:ro`],
    });
    const plain = await startContainer({ image: await ensureImage('base'), cmd: ['sleep', 'infinity'], labels: { 'baqup.e2e.docker': tag } });

    const listed = await client.list({ labels: ['backup.enabled', `baqup.e2e.docker=${tag}`] });
    expect(listed.map((s) => s.id)).toEqual([c.id]);
    expect(listed[0]).toMatchObject({ name: c.name, state: 'running', labels: { 'backup.enabled': 'true' } });

    await docker().getContainer(plain.id).kill();
    expect((await client.list({ labels: [`baqup.e2e.docker=${tag}`] })).map((s) => s.id)).toEqual([c.id]);
    expect((await client.list({ all: true, labels: [`baqup.e2e.docker=${tag}`] })).map((s) => s.id).sort()).toEqual([c.id, plain.id].sort());

    const info = await client.inspect(c.id);
    expect(info).toMatchObject({ id: c.id, name: c.name, stopSignal: 'SIGUSR1', stopTimeout: 10 });
    expect(info.env).toContain('APP_PASSWORD=pw');
    expect(info.labels['backup.enabled']).toBe('true');
    expect(info.state).toMatchObject({ running: true, status: 'running' });
    expect(info.state.pid).toBeGreaterThan(0);
    expect(info.mounts).toEqual([{ type: 'bind', source: hostDir, destination: '/data', rw: false }]);
    expect((await client.inspect(plain.id)).stopSignal).toBe('SIGTERM');
    expect(await client.isRunning(plain.id)).toBe(false);
  });

  it('throws DockerNotFoundError for a missing container', async () => {
    const err = await client.inspect('baqup-no-such-container').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerNotFoundError);
    expect((err as DockerNotFoundError).code).toBe('BAQUP_DOCKER_NOT_FOUND');
  });
});

describe('archive', () => {
  it('puts a tar in, stats it and gets the same bytes back', async () => {
    const c = await startContainer({ image: await ensureImage('base'), cmd: ['sleep', 'infinity'] });
    const content = Buffer.alloc(300_000, 'baqup ');
    const pack = tar.pack();
    pack.entry({ name: 'restore/data.bin', mode: 0o640 }, content);
    pack.entry({ name: 'restore/note.txt' }, 'hello');
    pack.finalize();
    await client.putArchive(c.id, '/tmp', pack as unknown as Readable);

    const stat = await client.statPath(c.id, '/tmp/restore/data.bin');
    expect(stat).toMatchObject({ name: 'data.bin', size: content.length, isDirectory: false });
    expect(stat!.mode & 0o777).toBe(0o640);
    expect((await client.statPath(c.id, '/tmp/restore'))?.isDirectory).toBe(true);
    expect(await client.statPath(c.id, '/tmp/nope')).toBeNull();
    await expect(client.statPath('baqup-no-such-container', '/tmp')).rejects.toBeInstanceOf(DockerNotFoundError);

    const files = await untar(await client.getArchive(c.id, '/tmp/restore'));
    expect(files.get('restore/data.bin')?.equals(content)).toBe(true);
    expect(files.get('restore/note.txt')?.toString()).toBe('hello');
    await expect(client.getArchive(c.id, '/tmp/nope')).rejects.toBeInstanceOf(DockerNotFoundError);
    const empty = tar.pack();
    empty.finalize();
    await expect(client.putArchive(c.id, '/no/such/dir', empty as unknown as Readable)).rejects.toMatchObject({
      code: expect.stringMatching(/BAQUP_DOCKER_(ARCHIVE|NOT_FOUND)/),
    });
  });
});

describe('stop and start', () => {
  it("stop sends the container's own STOPSIGNAL; start brings it back", async () => {
    const script = 'trap "echo USR1 > /got-signal; exit 0" USR1; while :; do sleep 0.1; done';
    const c = await startContainer({ image: await ensureImage('base'), cmd: ['bash', '-c', script], stopSignal: 'SIGUSR1' });
    await client.stop(c.id);
    const info = await client.inspect(c.id);
    expect(info.state).toMatchObject({ running: false, exitCode: 0 }); // exited through the trap, not SIGKILL
    const files = await untar(await client.getArchive(c.id, '/got-signal'));
    expect(files.get('got-signal')?.toString()).toBe('USR1\n');
    await client.stop(c.id); // already stopped: fine
    await client.start(c.id);
    expect(await client.isRunning(c.id)).toBe(true);
    await client.start(c.id); // already running: fine
  });

  it("stop waits the container's StopTimeout before SIGKILL", async () => {
    // A process that ignores its stop signal: the engine must wait StopTimeout (12 s, more than the 10 s default),
    // then SIGKILL. The engine's own event timestamps show the wait; only a lower bound is asserted.
    // StopTimeout is not a harness option, so this container is created directly and removed in `finally`.
    const created = await docker().createContainer({
      Image: await ensureImage('base'),
      Cmd: ['bash', '-c', 'trap "" USR2; while :; do sleep 0.1; done'],
      StopSignal: 'SIGUSR2',
      StopTimeout: 12,
      Labels: { 'baqup.e2e': '1' },
      HostConfig: { NetworkMode: 'none' },
    } as Parameters<ReturnType<typeof docker>['createContainer']>[0]);
    try {
      await created.start();
      expect((await client.inspect(created.id)).stopTimeout).toBe(12);
      const abort = new AbortController();
      const raw = await client.eventsConnect()({ type: ['container'], container: [created.id], event: ['kill', 'die'] }, undefined, abort.signal);
      let text = '';
      raw.on('data', (b: Buffer) => (text += b.toString()));
      raw.on('error', () => {});
      await client.stop(created.id);
      for (let i = 0; i < 50 && !text.includes('"die"'); i++) await new Promise((r) => setTimeout(r, 100));
      abort.abort();
      const events = text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { Action: string; timeNano: number; Actor: { Attributes: { signal?: string } } });
      const kills = events.filter((e) => e.Action === 'kill');
      expect(kills.map((e) => e.Actor.Attributes.signal)).toEqual(['12', '9']); // SIGUSR2, then SIGKILL
      expect((kills[1]!.timeNano - kills[0]!.timeNano) / 1e9).toBeGreaterThanOrEqual(12);
      expect((await client.inspect(created.id)).state.exitCode).toBe(137);
    } finally {
      await created.remove({ force: true });
    }
  });
});
