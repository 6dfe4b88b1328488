// @baqup/dump postgres against real servers: dump (databases=all and a list), load into a fresh container of the
// same image, compare counts, checksums and ownership; wrong password and missing database fail loudly; the
// password never shows up in Docker's events nor in error messages.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, type TargetConfig } from '@baqup/core';
import { ensureImage, execIn, psql, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { dumpEnv, dumpError, dumpToFile, makeJob, recordEvents, runOperator, type Env } from './dump-fixtures.js';

useCleanup();

const PASSWORD = `pg-${randomBytes(9).toString('hex')}`;
const WRONG = `wrong-${randomBytes(9).toString('hex')}`;
let image: string;
let src: TestContainer;
let env: Env;

const SUM_A = "SELECT count(*) || ':' || md5(string_agg(id || '=' || name, '|' ORDER BY id)) FROM items";
const SUM_B = "SELECT count(*) || ':' || md5(string_agg(id || '=' || body, '|' ORDER BY id)) FROM notes";

beforeAll(async () => {
  image = await ensureImage('postgres');
  env = await dumpEnv();
  src = await startContainer({ image, env: { POSTGRES_PASSWORD: PASSWORD } });
  await psql(src, "CREATE ROLE app LOGIN PASSWORD 'app-pw'; CREATE DATABASE a OWNER app; CREATE DATABASE b;");
  await psql(src, "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 5000) g; ALTER TABLE items OWNER TO app;", 'a');
  await psql(src, "CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, E'it''s \\u00e9t\\u00e9'), (2, 'line1\nline2'), (3, NULL);", 'b');
});

afterAll(async () => env?.dispose());

function target(extra: Partial<TargetConfig>): Partial<TargetConfig> & Pick<TargetConfig, 'type'> {
  return { type: 'postgres', username: 'postgres', port: 5432, password: { kind: 'env', name: 'POSTGRES_PASSWORD', value: new Secret(PASSWORD) }, ...extra };
}

async function loadAndCompare(file: Buffer): Promise<void> {
  const fresh = await startContainer({ image, env: { POSTGRES_PASSWORD: 'other-pw' } });
  const r = await execIn(fresh, ['psql', '-X', '-q', '-U', 'postgres', '-d', 'postgres'], { stdin: file });
  expect(r.exitCode).toBe(0);
  expect(await psql(fresh, SUM_A, 'a')).toBe(await psql(src, SUM_A, 'a'));
  expect(await psql(fresh, SUM_B, 'b')).toBe(await psql(src, SUM_B, 'b'));
  expect(await psql(fresh, "SELECT tableowner FROM pg_tables WHERE tablename = 'items'", 'a')).toBe('app');
  expect(await psql(fresh, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'a'")).toBe('app');
}

describe('postgres dump', () => {
  it('databases=all: pg_dumpall restores into a fresh container with equal data', async () => {
    const events = await recordEvents();
    const { dumped, data } = await dumpToFile(env.deps, makeJob(src, target({ databases: 'all' })), join(env.dir, 'all.sql'));
    expect(dumped.extension).toBe('sql');
    expect(dumped.toolVersions.pg_dump).toMatch(/^pg_dump \(PostgreSQL\) 15\./);
    expect(dumped.databases).toEqual(['a', 'b', 'postgres']);
    expect(data.toString()).toContain('PostgreSQL database cluster dump complete');
    await loadAndCompare(data);
    const log = await events.stop();
    expect(log).toContain('exec_start');
    expect(log).not.toContain(PASSWORD);
  });

  it('databases=a,b: roles + one pg_dump per database restore the same way', async () => {
    const out = await runOperator(env.deps, makeJob(src, target({ databases: ['a', 'b'] })));
    expect(out.kind).toBe('dumped');
    if (out.kind !== 'dumped') return;
    expect(out.databases).toEqual(['a', 'b']);
    const chunks: Buffer[] = [];
    for await (const c of out.stream as AsyncIterable<Buffer>) chunks.push(c);
    const data = Buffer.concat(chunks);
    expect(data.toString()).toMatch(/CREATE ROLE app;/);
    expect(data.toString()).not.toContain("'app-pw'"); // stored hashed (SCRAM), never in clear
    await loadAndCompare(data);
  });

  it('a wrong password is a JobFailed before any byte, and the password is in no message or event', async () => {
    const events = await recordEvents();
    const job = makeJob(src, target({ password: { kind: 'literal', value: new Secret(WRONG) } }));
    const out = await runOperator(env.deps, job);
    expect(out.kind).toBe('failed');
    if (out.kind !== 'failed') return;
    expect(out.result.error?.code).toBe('BAQUP_DUMP_FAILED');
    expect(out.result.error?.message).toMatch(/exited with code \d+.*password authentication failed/s);
    expect(out.result.error?.message).not.toContain(WRONG);
    const log = await events.stop();
    expect(log).not.toContain(WRONG);
    expect(log).not.toContain(PASSWORD);
  });

  it('a missing database fails the stream after the dumps before it: never a small "successful" file', async () => {
    const err = await dumpError(env.deps, makeJob(src, target({ databases: ['a', 'nope'] })), join(env.dir, 'missing.sql'));
    expect(err.code).toBe('BAQUP_DUMP_FAILED');
    expect(err.message).toMatch(/pg_dump exited with code 1.*database "nope" does not exist/s);
    expect(err.message).not.toContain(PASSWORD);
  });

  it('a password file inside the container is read through the archive API', async () => {
    await execIn(src, ['sh', '-c', 'mkdir -p /run/secrets && cat > /run/secrets/pg && chmod 600 /run/secrets/pg'], { stdin: `${PASSWORD}\n` });
    const { data } = await dumpToFile(env.deps, makeJob(src, target({ databases: ['b'], password: { kind: 'file', path: '/run/secrets/pg' } })), join(env.dir, 'file.sql'));
    expect(data.toString()).toContain('CREATE DATABASE b');
    const missing = await runOperator(env.deps, makeJob(src, target({ password: { kind: 'file', path: '/run/secrets/none' } })));
    expect(missing.kind === 'failed' && missing.result.error?.code).toBe('BAQUP_DUMP_CREDENTIAL');
  });

  it('a non-superuser owner dumps its database (roles without passwords) and it restores', async () => {
    const job = makeJob(src, target({ username: 'app', password: { kind: 'literal', value: new Secret('app-pw') }, databases: ['a'] }));
    const { data } = await dumpToFile(env.deps, job, join(env.dir, 'app.sql'));
    expect(data.toString()).toContain('CREATE ROLE app;');
    const fresh = await startContainer({ image, env: { POSTGRES_PASSWORD: 'other-pw' } });
    expect((await execIn(fresh, ['psql', '-X', '-q', '-U', 'postgres', '-d', 'postgres'], { stdin: data })).exitCode).toBe(0);
    expect(await psql(fresh, SUM_A, 'a')).toBe(await psql(src, SUM_A, 'a'));
    expect(await psql(fresh, "SELECT tableowner FROM pg_tables WHERE tablename = 'items'", 'a')).toBe('app');
  });
});
