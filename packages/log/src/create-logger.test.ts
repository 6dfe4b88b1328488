import { BaqupError, Secret, silentLogger, withFields } from '@baqup/core';
import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions } from './create-logger.js';
import { createRedactor } from '@baqup/core';
import { LineSink } from './test-stream.js';

const fixed = () => new Date(Date.UTC(2026, 10, 21, 22, 30, 0, 123));

async function capture(options: LoggerOptions, run: (log: ReturnType<typeof createLogger>) => void): Promise<LineSink> {
  const sink = new LineSink();
  const log = createLogger({ env: {}, now: fixed, ...options, stream: sink });
  run(log);
  await log.flush();
  return sink;
}

describe('createLogger json', () => {
  it('writes one object a line: time, level, msg, stable fields in order, then extras', async () => {
    const sink = await capture({}, (log) =>
      log.info('backup done', {
        extra: 'x',
        error: new BaqupError('BAQUP_DUMP_FAILED', 'pg_dump exited 1'),
        duration_ms: 1200,
        bytes: 4096,
        job_id: 'j-1',
        schedule: 'daily',
        target: 'postgres-main',
        container: 'db',
        event: 'job.succeeded',
      }),
    );
    expect(sink.lines).toHaveLength(1);
    expect(Object.keys(sink.json()[0]!)).toEqual([
      'time', 'level', 'msg', 'event', 'container', 'target', 'schedule', 'job_id', 'bytes', 'duration_ms', 'error', 'extra',
    ]);
    expect(sink.json()[0]).toMatchObject({
      time: '2026-11-21T22:30:00.123Z',
      level: 'info',
      msg: 'backup done',
      error: { message: 'pg_dump exited 1', code: 'BAQUP_DUMP_FAILED' },
    });
  });

  it('uses a real RFC 3339 UTC time with milliseconds by default', async () => {
    const sink = new LineSink();
    const log = createLogger({ env: {}, stream: sink });
    log.info('hello');
    await log.flush();
    expect(sink.json()[0]!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('filters by level: info drops debug; LOG_LEVEL overrides the configured level', async () => {
    const info = await capture({ level: 'info' }, (log) => {
      log.debug('hidden');
      log.warn('shown');
    });
    expect(info.json().map((l) => l.msg)).toEqual(['shown']);
    const debug = await capture({ level: 'error', env: { LOG_LEVEL: 'debug' } }, (log) => log.debug('seen'));
    expect(debug.json()).toMatchObject([{ level: 'debug', msg: 'seen' }]);
  });

  it('never writes a Secret, an error context, stack or cause', async () => {
    const password = 'hunter2-very-secret';
    const err = new BaqupError('BAQUP_DUMP_FAILED', 'dump failed', {
      cause: new Error(`cause with ${password}`),
      context: { env: { POSTGRES_PASSWORD: password } },
    });
    const sink = await capture({ level: 'debug' }, (log) => {
      log.error('failed', { error: err, password: new Secret(password), nested: { deep: [new Secret(password)] } });
      log.debug('raw error as extra', { err, cause: new Error('plain') });
    });
    const text = sink.lines.join('\n');
    expect(text).not.toContain(password);
    expect(text).not.toContain('stack');
    expect(text).not.toContain('at ');
    const [first, second] = sink.json();
    expect(first).toMatchObject({ password: '[redacted]', nested: { deep: ['[redacted]'] } });
    expect(second).toMatchObject({ err: { message: 'dump failed', code: 'BAQUP_DUMP_FAILED' }, cause: { code: 'BAQUP_INTERNAL' } });
  });

  it('keeps system error codes (ECONNREFUSED) and plain {message, code} errors', async () => {
    const sys = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', address: '127.0.0.1' });
    const sink = await capture({}, (log) => {
      log.warn('a', { error: sys });
      log.warn('b', { error: { message: 'm', code: 'BAQUP_X' } });
    });
    expect(sink.json().map((l) => l.error)).toEqual([
      { message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' },
      { message: 'm', code: 'BAQUP_X' },
    ]);
  });

  it('replaces every registered secret anywhere in the line, including ones added later', async () => {
    const redactor = createRedactor(['s3cr3t-pw']);
    const sink = await capture({ redactor }, (log) => {
      log.error('login with s3cr3t-pw failed', {
        // A plain Error (no code) as callers pass from a catch block at run time.
        error: new Error('FATAL: password "s3cr3t-pw" rejected') as Error & { code: string },
        stderr: ['line s3cr3t-pw'],
        target: 'x-s3cr3t-pw',
      });
      redactor.add(new Secret('tk_token123'));
      log.info('url https://:tk_token123@ntfy.example/alerts');
    });
    const text = sink.lines.join('\n');
    expect(text).not.toContain('s3cr3t-pw');
    expect(text).not.toContain('tk_token123');
    const [first, second] = sink.json();
    expect(first).toMatchObject({
      msg: 'login with [redacted] failed',
      error: { message: 'FATAL: password "[redacted]" rejected', code: 'BAQUP_INTERNAL' },
      stderr: ['line [redacted]'],
      target: 'x-[redacted]',
    });
    expect(second!.msg).toBe('url https://:[redacted]@ntfy.example/alerts');
  });

  it('child loggers bind fields; call fields win; reserved names cannot overwrite time/level/msg', async () => {
    const sink = await capture({}, (log) => {
      const child = log.child({ container: 'db', target: 'postgres-main' }).child({ schedule: 'daily' });
      child.info('started', { event: 'job.started', target: 'postgres-other', msg: 'sneaky', level: 'error' });
      log.info('root has no bound fields');
    });
    const [first, second] = sink.json();
    expect(first).toMatchObject({ msg: 'started', level: 'info', container: 'db', target: 'postgres-other', schedule: 'daily' });
    expect(first).toMatchObject({ field_msg: 'sneaky', field_level: 'error' });
    expect(second).not.toHaveProperty('container');
  });

  it('cuts cycles and drops undefined', async () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    const sink = await capture({}, (log) => log.info('c', { cyclic, gone: undefined }));
    expect(sink.json()[0]).toEqual({ time: '2026-11-21T22:30:00.123Z', level: 'info', msg: 'c', cyclic: { name: 'a', self: '[circular]' } });
  });
});

describe('createLogger text', () => {
  it('writes one readable line with key=value fields and the error last', async () => {
    const sink = await capture({ format: 'text', colors: false, redactor: createRedactor(['pw123456']) }, (log) =>
      log.error('dump failed', {
        event: 'job.failed',
        container: 'db',
        bytes: 12,
        note: 'two words',
        error: new BaqupError('BAQUP_DUMP_FAILED', 'bad\npassword pw123456'),
      }),
    );
    expect(sink.lines).toEqual([
      '2026-11-21T22:30:00.123Z  ERROR  job.failed  dump failed  container=db  bytes=12  note="two words"  error="bad\\npassword [redacted]" (BAQUP_DUMP_FAILED)',
    ]);
  });
});

describe('withFields (core) over this logger and over a logger without child', () => {
  it('binds fields either way', async () => {
    const sink = await capture({}, (log) => withFields(log, { container: 'db' }).info('x'));
    expect(sink.json()[0]).toMatchObject({ container: 'db' });
    const seen: unknown[] = [];
    const plain = { ...silentLogger, info: (_m: string, f?: unknown) => void seen.push(f) };
    withFields(plain, { container: 'c' }).child?.({ target: 't' }).info('y', { bytes: 1 });
    expect(seen).toEqual([{ container: 'c', target: 't', bytes: 1 }]);
  });
});

describe('onLine', () => {
  it('is told each written line as its redacted object, after the level filter; a throwing listener changes nothing', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const sink = await capture({ level: 'info', redactor: createRedactor(['s3cr3t-pass-9']), onLine: (l) => {
      seen.push({ ...l });
      throw new Error('listener broke');
    } }, (log) => {
      log.debug('hidden', { job_id: 'j' });
      log.info('using s3cr3t-pass-9', { job_id: 'j', event: 'job.started' });
    });
    expect(seen).toEqual([{ time: '2026-11-21T22:30:00.123Z', level: 'info', msg: 'using [redacted]', event: 'job.started', job_id: 'j' }]);
    expect(sink.lines).toHaveLength(1);
  });
});
