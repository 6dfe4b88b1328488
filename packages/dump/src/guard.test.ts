import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '@baqup/core';
import { ExecFailedError } from '@baqup/docker';
import { DumpTimeoutError, RestartFailedError } from './errors.js';
import { guard } from './guard.js';

function sink(): { stream: Writable; data: () => string } {
  const chunks: Buffer[] = [];
  return { stream: new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }), data: () => Buffer.concat(chunks).toString() };
}

function setup(source: Readable, finish = vi.fn(async () => {})) {
  const controller = new AbortController();
  const onClose = vi.fn();
  const stream = guard(source, { signal: controller.signal, finish, onClose, logger: silentLogger });
  return { stream, controller, finish, onClose };
}

describe('guard', () => {
  it('passes the bytes and ends only after finish resolved', async () => {
    const order: string[] = [];
    const { stream, finish, onClose } = setup(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), vi.fn(async () => void order.push('finish')));
    const out = sink();
    await pipeline(stream, out.stream);
    order.push('ended');
    expect(out.data()).toBe('abcd');
    expect(order).toEqual(['finish', 'ended']);
    expect(finish).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalled();
  });

  it('a failing finish (container not restarted) fails an otherwise complete dump', async () => {
    const { stream } = setup(Readable.from([Buffer.from('x')]), vi.fn(async () => Promise.reject(new RestartFailedError('db'))));
    await expect(pipeline(stream, sink().stream)).rejects.toMatchObject({ code: 'BAQUP_DUMP_RESTART_FAILED' });
  });

  it('a source error runs finish first, then fails the stream as BAQUP_DUMP_FAILED', async () => {
    const order: string[] = [];
    const source = new PassThrough();
    const { stream } = setup(source, vi.fn(async () => void order.push('finish')));
    source.write('partial');
    setImmediate(() => source.destroy(new ExecFailedError(2, 'pg_dump exited with code 2: boom')));
    const err = await pipeline(stream, sink().stream).catch((e: unknown) => (order.push('error'), e));
    expect(err).toMatchObject({ code: 'BAQUP_DUMP_FAILED', message: 'pg_dump exited with code 2: boom' });
    expect(order).toEqual(['finish', 'error']);
  });

  it('abort (timeout) destroys the source and reports the abort reason', async () => {
    const source = new PassThrough();
    const { stream, controller, finish } = setup(source);
    controller.abort(new DumpTimeoutError(5));
    await expect(pipeline(stream, sink().stream)).rejects.toMatchObject({ code: 'BAQUP_DUMP_TIMEOUT' });
    expect(source.destroyed).toBe(true);
    expect(finish).toHaveBeenCalledTimes(1);
  });

  it('a consumer that goes away destroys the source and still runs finish', async () => {
    const source = new PassThrough();
    const { stream, finish } = setup(source);
    stream.destroy();
    await new Promise((r) => setImmediate(r));
    expect(source.destroyed).toBe(true);
    expect(finish).toHaveBeenCalledTimes(1);
  });
});
