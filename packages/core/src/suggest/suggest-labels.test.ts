import { describe, expect, it } from 'vitest';
import { builtinDefaults } from '../config/controller-defaults.js';
import { parseLabels } from '../labels/parse-labels.js';
import { imageName } from './image-name.js';
import { detectEngine, suggestLabels, type SuggestInput } from './suggest-labels.js';

const service = (over: Partial<SuggestInput>): SuggestInput => ({ name: 'svc', image: 'alpine:3', envNames: [], mounts: [], labels: {}, ...over });

describe('imageName', () => {
  it.each([
    ['postgres', 'library/postgres', 'postgres'],
    ['postgres:16-alpine', 'library/postgres', 'postgres'],
    ['docker.io/library/postgres:16@sha256:abc', 'library/postgres', 'postgres'],
    ['ghcr.io/home-assistant/home-assistant:stable', 'home-assistant/home-assistant', 'home-assistant'],
    ['registry.local:5000/team/mariadb:11', 'team/mariadb', 'mariadb'],
    ['localhost/redis', 'library/redis', 'redis'],
    ['lscr.io/linuxserver/sonarr:latest', 'linuxserver/sonarr', 'sonarr'],
    ['Bitnami/PostgreSQL:16', 'bitnami/postgresql', 'postgresql'],
  ])('%s → %s', (image, repository, name) => {
    expect(imageName(image)).toEqual({ repository, name });
  });
});

describe('detectEngine', () => {
  it.each([
    ['postgres:16', 'postgres'],
    ['postgis/postgis:16-3.4', 'postgres'],
    ['timescale/timescaledb:latest-pg16', 'postgres'],
    ['bitnami/postgresql', 'postgres'],
    ['mariadb:11', 'mariadb'],
    ['mysql:8.4', 'mysql'],
    ['mongo:7', 'mongo'],
    ['redis:7-alpine', 'redis'],
    ['nginx', undefined],
    ['postgres-exporter', undefined],
    ['prometheuscommunity/postgres-exporter', undefined],
    ['myorg/redis-commander', undefined],
  ])('%s → %s', (image, engine) => {
    expect(detectEngine(image)).toBe(engine);
  });
});

describe('suggestLabels', () => {
  it('maps a postgres password to the env NAME the service sets, never its value', () => {
    const s = suggestLabels(service({ image: 'postgres:16-alpine', envNames: ['POSTGRES_DB', 'POSTGRES_USER', 'POSTGRES_PASSWORD'], mounts: ['/var/lib/postgresql/data'] }));
    expect(s.status).toBe('suggested');
    expect(s.labels).toEqual({ 'backup.enabled': 'true', 'backup.postgres.main.databases': 'all', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD' });
    expect(Object.keys(s.labels)[0]).toBe('backup.enabled');
    expect(s.targets).toEqual([{ type: 'postgres', instance: 'main', reason: 'image postgres:16-alpine' }]);
    expect(s.problems).toEqual([]);
  });

  it('takes a Docker secret (<NAME>_FILE) through the plain name, which the parser resolves to the file', () => {
    const s = suggestLabels(service({ image: 'postgres', envNames: ['POSTGRES_PASSWORD_FILE'] }));
    expect(s.labels['backup.postgres.main.password_env']).toBe('POSTGRES_PASSWORD');
    expect(s.problems).toEqual([]);
  });

  it('prefers the root account of mariadb, and uses the app user only when its user variable is set', () => {
    expect(suggestLabels(service({ image: 'mariadb:11', envNames: ['MARIADB_PASSWORD', 'MARIADB_ROOT_PASSWORD', 'MARIADB_USER'] })).labels['backup.mariadb.main.password_env']).toBe('MARIADB_ROOT_PASSWORD');
    expect(suggestLabels(service({ image: 'mariadb:11', envNames: ['MARIADB_PASSWORD', 'MARIADB_USER', 'MARIADB_RANDOM_ROOT_PASSWORD'] })).labels['backup.mariadb.main.password_env']).toBe('MARIADB_PASSWORD');
    const noUser = suggestLabels(service({ image: 'mariadb:11', envNames: ['MARIADB_PASSWORD'] }));
    expect(noUser.labels['backup.mariadb.main.password_env']).toBeUndefined();
    expect(noUser.notes.join()).toMatch(/no password variable found/);
  });

  it('maps mysql and mongo credentials', () => {
    expect(suggestLabels(service({ image: 'mysql:8', envNames: ['MYSQL_ROOT_PASSWORD'] })).labels).toEqual({ 'backup.enabled': 'true', 'backup.mysql.main.databases': 'all', 'backup.mysql.main.password_env': 'MYSQL_ROOT_PASSWORD' });
    const mongo = suggestLabels(service({ image: 'mongo:7', envNames: ['MONGO_INITDB_ROOT_USERNAME', 'MONGO_INITDB_ROOT_PASSWORD'] }));
    expect(mongo.labels['backup.mongo.main.password_env']).toBe('MONGO_INITDB_ROOT_PASSWORD');
    expect(mongo.problems).toEqual([]);
  });

  it('suggests redis only with persistence (a volume at its data directory)', () => {
    const none = suggestLabels(service({ image: 'redis:7' }));
    expect(none.status).toBe('none');
    expect(none.notes.join()).toMatch(/no volume at \/data/);
    const withVolume = suggestLabels(service({ image: 'redis:7', mounts: ['/data/'], envNames: ['REDIS_PASSWORD'] }));
    expect(withVolume.labels).toEqual({ 'backup.enabled': 'true', 'backup.redis.main.password_env': 'REDIS_PASSWORD', 'backup.redis.main.path': '/data' });
    expect(suggestLabels(service({ image: 'bitnami/redis', mounts: ['/bitnami/redis/data'] })).labels['backup.redis.main.path']).toBe('/bitnami/redis/data');
  });

  it('suggests one sqlite target per database file on a volume, never a -wal or a file off the volumes', () => {
    const s = suggestLabels(
      service({
        image: 'ghcr.io/acme/app:1',
        mounts: ['/data', '/srv/cache'],
        sqliteFiles: ['/data/app.db', '/data/app.db-wal', '/srv/cache/My Store.sqlite3', '/usr/share/misc/magic.db', '/data/sub/app.sqlite', 'relative.db'],
      }),
    );
    expect(s.labels).toEqual({
      'backup.enabled': 'true',
      'backup.sqlite.app.path': '/data/app.db',
      'backup.sqlite.app-2.path': '/data/sub/app.sqlite',
      'backup.sqlite.My-Store.path': '/srv/cache/My Store.sqlite3',
    });
    expect(s.problems).toEqual([]);
  });

  it('copies a known app\'s data directory cold, and leaves its own sqlite to that copy', () => {
    const s = suggestLabels(service({ image: 'vaultwarden/server:latest', mounts: ['/data'], sqliteFiles: ['/data/db.sqlite3'] }));
    expect(s.labels).toEqual({ 'backup.enabled': 'true', 'backup.fs.data.path': '/data', 'backup.stop': 'true' });
    expect(suggestLabels(service({ image: 'lscr.io/linuxserver/sonarr', mounts: ['/config'] })).labels['backup.fs.data.path']).toBe('/config');
    const unmounted = suggestLabels(service({ image: 'louislam/uptime-kuma:1' }));
    expect(unmounted.status).toBe('none');
    expect(unmounted.notes.join()).toMatch(/no volume is mounted there/);
  });

  it('says nothing for an unknown image without database files', () => {
    expect(suggestLabels(service({ image: 'nginx:1', mounts: ['/usr/share/nginx/html'] }))).toMatchObject({ status: 'none', labels: {}, targets: [] });
  });

  it('leaves a protected service alone, noting a database it does not back up', () => {
    const s = suggestLabels(service({ image: 'postgres:16', labels: { 'backup.enabled': 'true', 'backup.fs.x.path': '/x' } }));
    expect(s).toMatchObject({ status: 'protected', labels: {} });
    expect(s.notes.join()).toMatch(/no postgres target/);
    expect(suggestLabels(service({ image: 'postgres:16', labels: { 'backup.enabled': 'true', 'backup.postgres.main.databases': 'app' } })).notes).toEqual([]);
  });

  it('never proposes a label the service has, and keeps its own target labels', () => {
    const s = suggestLabels(service({ image: 'postgres:16', labels: { 'backup.enabled': 'false', 'backup.postgres.main.port': '5433' } }));
    expect(s.status).toBe('none');
    expect(s.notes.join()).toMatch(/already present/);
    const disabled = suggestLabels(service({ image: 'postgres:16', envNames: ['POSTGRES_PASSWORD'], labels: { 'backup.enabled': 'false' } }));
    expect(disabled.labels).toEqual({ 'backup.postgres.main.databases': 'all', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD' });
  });

  it('every suggestion of a table of services passes the label parser with the real env names', () => {
    const cases: SuggestInput[] = [
      service({ image: 'postgres:16', envNames: ['POSTGRES_PASSWORD'] }),
      service({ image: 'postgres:16', envNames: [] }),
      service({ image: 'bitnami/postgresql', envNames: ['POSTGRESQL_POSTGRES_PASSWORD'] }),
      service({ image: 'mariadb', envNames: ['MYSQL_ROOT_PASSWORD'] }),
      service({ image: 'mysql', envNames: ['MYSQL_USER', 'MYSQL_PASSWORD'] }),
      service({ image: 'mongo', envNames: [] }),
      service({ image: 'redis', mounts: ['/data'] }),
      service({ image: 'gitea/gitea', mounts: ['/data'], sqliteFiles: ['/data/gitea/gitea.db'] }),
      service({ image: 'app', mounts: ['/'], sqliteFiles: ['/x.db', '/-.db', '/.db'] }),
    ];
    for (const c of cases) {
      const s = suggestLabels(c);
      expect(s.status, c.image).toBe('suggested');
      const env = c.envNames.map((n) => `${n}=v`);
      const parsed = parseLabels({ ...c.labels, ...s.labels }, env, builtinDefaults(), { id: 'x', name: 'x', image: c.image });
      expect(parsed.errors, c.image).toEqual([]);
      expect(parsed.targets.length, c.image).toBe(s.targets.length);
    }
  });
});
