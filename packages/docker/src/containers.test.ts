import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { decodePathStat, isSymlink } from './archive.js';
import { toContainerInfo } from './containers.js';
import { killCommand } from './kill-exec.js';

function inspectJson(config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Dockerode.ContainerInspectInfo {
  return {
    Id: 'abc',
    Name: '/db',
    State: { Running: true, Status: 'running', Pid: 42, ExitCode: 0 },
    Config: { Image: 'postgres:16', Labels: { 'backup.enabled': 'true' }, Env: ['A=1'], ...config },
    Mounts: [{ Type: 'volume', Name: 'pgdata', Source: '/var/lib/docker/volumes/pgdata/_data', Destination: '/var/lib/postgresql/data', RW: true }],
    ...extra,
  } as unknown as Dockerode.ContainerInspectInfo;
}

describe('toContainerInfo', () => {
  it('maps the fields and applies docker stop defaults', () => {
    expect(toContainerInfo(inspectJson())).toEqual({
      id: 'abc',
      name: 'db',
      image: 'postgres:16',
      labels: { 'backup.enabled': 'true' },
      env: ['A=1'],
      state: { running: true, status: 'running', pid: 42, exitCode: 0 },
      stopSignal: 'SIGTERM',
      stopTimeout: 10,
      mounts: [{ type: 'volume', name: 'pgdata', source: '/var/lib/docker/volumes/pgdata/_data', destination: '/var/lib/postgresql/data', rw: true }],
    });
  });

  it("uses the container's own StopSignal/StopTimeout (0 is a valid timeout) and health", () => {
    const info = toContainerInfo(
      inspectJson({ StopSignal: 'SIGINT', StopTimeout: 0, Labels: null, Env: null }, {
        State: { Running: true, Status: 'running', Pid: 1, ExitCode: 0, Health: { Status: 'healthy' } },
      }),
    );
    expect(info).toMatchObject({ stopSignal: 'SIGINT', stopTimeout: 0, labels: {}, env: [], state: { health: 'healthy' } });
  });
});

describe('decodePathStat', () => {
  const header = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64');
  it('decodes a file and a directory (mode bit 31)', () => {
    const file = decodePathStat(header({ name: 'a', size: 5, mode: 0o644, mtime: 't', linkTarget: '' }));
    expect(file).toMatchObject({ name: 'a', size: 5, isDirectory: false });
    const dir = decodePathStat(header({ name: 'd', size: 4096, mode: 2 ** 31 + 0o755, mtime: 't', linkTarget: '' }));
    expect(dir.isDirectory).toBe(true);
    expect(isSymlink(decodePathStat(header({ name: 'l', size: 0, mode: 2 ** 27 + 0o777, mtime: 't', linkTarget: '/x' })))).toBe(true);
  });
});

describe('killCommand', () => {
  it('puts only the (non-secret) marker and signal in argv', () => {
    const cmd = killCommand('1234-uuid', 'TERM');
    expect(cmd.slice(0, 2)).toEqual(['sh', '-c']);
    expect(cmd.slice(3)).toEqual(['baqup-kill', 'BAQUP_EXEC_TOKEN=1234-uuid', 'TERM']);
  });
});
