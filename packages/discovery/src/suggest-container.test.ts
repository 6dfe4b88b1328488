import { describe, expect, it } from 'vitest';
import type { ContainerInfo, DockerClient } from '@baqup/docker';
import { suggestForContainer, suggestInputOf } from './suggest-container.js';

const info = (over: Partial<ContainerInfo> = {}): ContainerInfo => ({
  id: 'c1',
  name: 'app',
  image: 'example/app:1',
  labels: {},
  env: [],
  state: { running: true, status: 'running', pid: 1, exitCode: 0 },
  stopSignal: 'SIGTERM',
  stopTimeout: 10,
  mounts: [],
  ...over,
});

/** A client that fails the test when detection reaches the engine where it must not. */
const untouchable = new Proxy({}, { get: (_t, p) => () => Promise.reject(new Error(`docker.${String(p)} called`)) }) as DockerClient;

describe('suggestInputOf', () => {
  it('keeps env NAMES only, volume and bind destinations only', () => {
    const input = suggestInputOf(
      info({
        env: ['POSTGRES_PASSWORD=s3cret', 'EMPTY=', 'NOVALUE', '=odd'],
        mounts: [
          { type: 'volume', source: '/var/lib/docker/volumes/x/_data', destination: '/var/lib/postgresql/data', rw: true, name: 'x' },
          { type: 'bind', source: '/srv/conf', destination: '/conf', rw: false },
          { type: 'tmpfs', source: '', destination: '/tmp', rw: true },
        ],
      }),
      ['/conf/app.db'],
    );
    expect(input.envNames).toEqual(['POSTGRES_PASSWORD', 'EMPTY', 'NOVALUE']);
    expect(input.mounts).toEqual(['/var/lib/postgresql/data', '/conf']);
    expect(input.sqliteFiles).toEqual(['/conf/app.db']);
    expect(JSON.stringify(input)).not.toContain('s3cret');
  });
});

describe('suggestForContainer without searching', () => {
  it('a database server is recognised by image: no SQLite search', async () => {
    const s = await suggestForContainer(untouchable, info({ image: 'postgres:16', env: ['POSTGRES_PASSWORD=x'], mounts: [{ type: 'volume', source: '', destination: '/data', rw: true }] }));
    expect(s.labels).toEqual({ 'backup.enabled': 'true', 'backup.postgres.main.databases': 'all', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD' });
  });

  it('an already protected container is left alone', async () => {
    const s = await suggestForContainer(untouchable, info({ labels: { 'backup.enabled': 'true' }, mounts: [{ type: 'volume', source: '', destination: '/data', rw: true }] }));
    expect(s.status).toBe('protected');
  });

  it('findSqlite: false does not search', async () => {
    const s = await suggestForContainer(untouchable, info({ mounts: [{ type: 'volume', source: '', destination: '/data', rw: true }] }), { findSqlite: false });
    expect(s.status).toBe('none');
  });

  it('a stopped container is not searched, and the note says so', async () => {
    const s = await suggestForContainer(untouchable, info({ state: { running: false, status: 'exited', pid: 0, exitCode: 0 }, mounts: [{ type: 'volume', source: '', destination: '/data', rw: true }] }));
    expect(s.notes).toContain('not running: its volumes were not searched for SQLite files');
  });
});
