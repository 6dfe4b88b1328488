// @baqup/docker exec against the real engine: demuxed streaming with backpressure, exit codes, stdin EOF,
// secrets kept out of argv/events, and killing the process tree inside the container.
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '@baqup/core';
import { createDockerClient, ExecFailedError, type DockerClient } from '@baqup/docker';
import { ensureImage, startContainer, useCleanup, type TestContainer } from '../src/index.js';

useCleanup();

let client: DockerClient;
let c: TestContainer;

beforeAll(async () => {
  client = createDockerClient();
  c = await startContainer({ image: await ensureImage('base'), cmd: ['sleep', 'infinity'] });
});

/** Command lines of the live (non-zombie) processes in the container. */
async function processes(id: string): Promise<string[]> {
  const script = 'for d in /proc/[0-9]*; do s=$(cut -d" " -f3 "$d/stat" 2>/dev/null); [ "$s" = Z ] && continue; tr "\\000" " " < "$d/cmdline" 2>/dev/null; echo; done';
  const r = await client.execToCompletion(id, ['sh', '-c', script]);
  expect(r.exitCode).toBe(0);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('exec', () => {
  it('streams stdout, keeps stderr apart and reports the exit code', async () => {
    const r = await client.execToCompletion(c.id, ['sh', '-c', 'echo out; echo err >&2; echo "$GREETING"; exit 3'], {
      env: { GREETING: 'hi there' },
    });
    expect(r).toEqual({ exitCode: 3, stdout: 'out\nhi there\n', stderr: 'err\n', truncated: false });
  });

  it('caps execToCompletion output but still reads to the end', async () => {
    const r = await client.execToCompletion(c.id, ['sh', '-c', 'head -c 100000 /dev/zero | tr "\\000" x; exit 0'], { maxBytes: 1000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('x'.repeat(1000));
    expect(r.truncated).toBe(true);
  });

  it('pipes 200 MB through a slow consumer with bounded memory and the right exit code', async () => {
    const total = 200 * 1024 * 1024;
    const h = await client.exec(c.id, ['head', '-c', String(total), '/dev/zero']);
    const rss0 = process.memoryUsage().rss;
    let maxRss = rss0;
    let bytes = 0;
    let writes = 0;
    let paused = false;
    await pipeline(
      h.stdout,
      new Writable({
        highWaterMark: 64 * 1024,
        write(chunk: Buffer, _e, cb) {
          bytes += chunk.length;
          if (++writes % 256 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss);
          if (!paused && bytes > 8 * 1024 * 1024) {
            // A consumer that stalls (a slow upload, a full disk being waited on): without backpressure the
            // engine's whole output would pile up in this process meanwhile.
            paused = true;
            setTimeout(() => {
              maxRss = Math.max(maxRss, process.memoryUsage().rss);
              cb();
            }, 3000);
          } else setImmediate(cb);
        },
      }),
    );
    expect(bytes).toBe(total);
    expect(await h.exitCode).toBe(0);
    console.log(`exec 200 MiB slow consumer: rss delta max ${((maxRss - rss0) / 1048576).toFixed(1)} MiB`);
    expect(maxRss - rss0).toBeLessThan(100 * 1024 * 1024);
  });

  it('round-trips 10 MB of stdin through cat, and the process sees EOF', async () => {
    const data = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
    const h = await client.exec(c.id, ['cat'], { stdin: Readable.from([data.subarray(0, 3_000_000), data.subarray(3_000_000)]) });
    const out = createHash('sha256');
    let n = 0;
    for await (const chunk of h.stdout as AsyncIterable<Buffer>) {
      out.update(chunk);
      n += chunk.length;
    }
    expect(n).toBe(data.length);
    expect(out.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(await h.exitCode).toBe(0);
  });
});

describe('execStream', () => {
  it('ends normally after a zero exit', async () => {
    const chunks: Buffer[] = [];
    await pipeline(
      client.execStream(c.id, ['sh', '-c', 'printf "%s" "$PAYLOAD"'], { env: { PAYLOAD: 'dump-bytes' } }),
      new Writable({ write: (b: Buffer, _e, cb) => (chunks.push(b), cb()) }),
    );
    expect(Buffer.concat(chunks).toString()).toBe('dump-bytes');
  });

  it('is destroyed with ExecFailedError on a non-zero exit, stderr tail included and secrets redacted', async () => {
    const password = new Secret('pa55-w0rd-xyz');
    const s = client.execStream(c.id, ['sh', '-c', 'echo partial; echo "auth failed for $PGPASSWORD" >&2; exit 7'], {
      env: { PGPASSWORD: password },
    });
    const got: Buffer[] = [];
    const err = await pipeline(s, new Writable({ write: (b: Buffer, _e, cb) => (got.push(b), cb()) })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExecFailedError);
    const e = err as ExecFailedError;
    expect(e.code).toBe('BAQUP_DOCKER_EXEC_FAILED');
    expect(e.exitCode).toBe(7);
    expect(e.message).toBe('sh exited with code 7: auth failed for [redacted]');
    expect(e.message).not.toContain('pa55-w0rd-xyz');
    expect(Buffer.concat(got).toString()).toBe('partial\n');
  });

  it('is destroyed with BAQUP_DOCKER_NOT_FOUND for a missing container', async () => {
    const s = client.execStream('no-such-container-baqup', ['true']);
    await expect(pipeline(s, new Writable({ write: (_b, _e, cb) => cb() }))).rejects.toMatchObject({ code: 'BAQUP_DOCKER_NOT_FOUND' });
  });
});

describe('secrets', () => {
  it('keeps env secrets out of the engine events (exec_create carries the command)', async () => {
    const secret = new Secret('s3cr3t-in-env-only-42');
    const abort = new AbortController();
    const raw = await client.eventsConnect()({ type: ['container'], container: [c.id], event: ['exec_create', 'exec_start', 'exec_die'] }, undefined, abort.signal);
    let text = '';
    raw.on('data', (b: Buffer) => (text += b.toString()));
    raw.on('error', () => {});
    const r = await client.execToCompletion(c.id, ['sh', '-c', 'test -n "$DB_PASSWORD" && echo marker-cmd-visible'], {
      env: { DB_PASSWORD: secret },
    });
    expect(r.stdout).toBe('marker-cmd-visible\n');
    await until('exec_die event', async () => text.includes('exec_die'));
    abort.abort();
    expect(text).toContain('marker-cmd-visible'); // the argv is broadcast…
    expect(text).not.toContain(secret.reveal()); // …the env is not
  });
});

describe('kill', () => {
  it('abort kills the exec inside the container and destroys stdout', async () => {
    const abort = new AbortController();
    const h = await client.exec(c.id, ['sleep', '1000'], { signal: abort.signal });
    await until('sleep 1000 running', async () => (await processes(c.id)).includes('sleep 1000'));
    const consumed = pipeline(h.stdout, new Writable({ write: (_b, _e, cb) => cb() }));
    abort.abort();
    await expect(consumed).rejects.toThrow();
    expect(await h.exitCode).toBe(137);
    expect(await processes(c.id)).not.toContain('sleep 1000');
  });

  it('a timeout on execStream kills a non-root exec too (the killer runs as the same user)', async () => {
    const s = client.execStream(c.id, ['sleep', '1002'], { user: 'nobody', signal: AbortSignal.timeout(1500) });
    const err = await pipeline(s, new Writable({ write: (_b, _e, cb) => cb() })).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as Error | null)?.name).toBe('TimeoutError');
    await until('sleep 1002 gone', async () => !(await processes(c.id)).includes('sleep 1002'));
  });

  it('killExec signals the whole process tree of the exec', async () => {
    const h = await client.exec(c.id, ['sh', '-c', 'sleep 1001 & sleep 1002 & wait']);
    h.stdout.resume();
    await until('both sleeps running', async () => {
      const p = await processes(c.id);
      return p.includes('sleep 1001') && p.includes('sleep 1002');
    });
    expect(await client.killExec(c.id, h.id, 'TERM')).toBe(3); // sh and both sleeps
    expect(await h.exitCode).not.toBe(0);
    await until('sleeps gone', async () => {
      const p = await processes(c.id);
      return !p.includes('sleep 1001') && !p.includes('sleep 1002');
    });
    expect(await processes(c.id)).toContain('sleep infinity'); // the container's own process is untouched
    expect(await client.killExec(c.id, h.id)).toBe(0); // finished: nothing left to kill
    await expect(client.killExec(c.id, 'f'.repeat(64))).rejects.toMatchObject({ code: 'BAQUP_DOCKER_NOT_FOUND' });
  });
});
