import { describe, expect, it } from 'vitest';
import { DockerUnreachableError, Secret } from '@baqup/core';
import { DockerApiError, DockerNotFoundError, toDockerError } from './errors.js';
import { execFailure } from './exec-stream.js';

const errno = (code: string) => Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });

describe('toDockerError', () => {
  it.each(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'])('maps %s to DockerUnreachableError', (code) => {
    const e = toDockerError(errno(code), 'unix:///var/run/docker.sock', 'ping');
    expect(e).toBeInstanceOf(DockerUnreachableError);
    expect((e as Error).message).toBe('Docker engine not reachable at unix:///var/run/docker.sock');
    expect((e as DockerUnreachableError).retryable).toBe(true);
  });

  it('maps 404 to DockerNotFoundError naming the object', () => {
    const e = toDockerError(Object.assign(new Error('(HTTP code 404) no such container'), { statusCode: 404 }), 'x', 'container abc');
    expect(e).toBeInstanceOf(DockerNotFoundError);
    expect((e as Error).message).toBe('container abc not found');
  });

  it("maps other HTTP errors to DockerApiError with the engine's message", () => {
    const e = toDockerError(
      Object.assign(new Error('(HTTP code 409) container stopped/paused'), { statusCode: 409, json: { message: 'Container abc is not running' } }),
      'x',
      'container abc',
    );
    expect(e).toBeInstanceOf(DockerApiError);
    expect(e).toMatchObject({ code: 'BAQUP_DOCKER_API', statusCode: 409, retryable: false, message: 'Docker container abc: Container abc is not running' });
  });

  it('passes aborts and our own errors through', () => {
    const abort = new DOMException('aborted', 'AbortError');
    expect(toDockerError(abort, 'x', 'y')).toBe(abort);
    const own = new DockerNotFoundError('z');
    expect(toDockerError(own, 'x', 'y')).toBe(own);
  });
});

describe('execFailure', () => {
  it('names the program and exit code, keeps the stderr tail and redacts secrets', () => {
    const e = execFailure(['pg_dump', '-U', 'app'], 1, 'pg_dump: error: password authentication failed (pw=hunter2)\n', [new Secret('hunter2')]);
    expect(e).toMatchObject({ code: 'BAQUP_DOCKER_EXEC_FAILED', exitCode: 1 });
    expect(e.message).toBe('pg_dump exited with code 1: pg_dump: error: password authentication failed (pw=[redacted])');
  });

  it('cuts a long stderr to its end', () => {
    const e = execFailure(['x'], 2, `${'a'.repeat(5000)}THE END`, []);
    expect(e.message.endsWith('THE END')).toBe(true);
    expect(e.message.length).toBeLessThan(2100);
  });
});
