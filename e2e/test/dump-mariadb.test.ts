// @baqup/dump mariadb against a real server: --all-databases and a database list, loaded into a fresh container
// of the same image and compared (counts, checksum, routines, triggers); a wrong password fails loudly.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, type TargetConfig } from '@baqup/core';
import { ensureImage, execIn, mariadbSql, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { dumpEnv, dumpError, dumpToFile, makeJob, recordEvents, type Env } from './dump-fixtures.js';

useCleanup();

const PASSWORD = `my-${randomBytes(9).toString('hex')}`;
let image: string;
let src: TestContainer;
let env: Env;

const SUM = "SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(id, '=', name ORDER BY id SEPARATOR '|'))) FROM items";

beforeAll(async () => {
  image = await ensureImage('mariadb');
  env = await dumpEnv();
  src = await startContainer({ image, env: { MARIADB_ROOT_PASSWORD: PASSWORD } });
  await mariadbSql(
    src,
    [
      'CREATE DATABASE shop; CREATE DATABASE blog; USE shop;',
      'CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL, price DECIMAL(8,2)) ENGINE=InnoDB;',
      'CREATE TABLE audit (n INT);',
      "CREATE TRIGGER items_ai AFTER INSERT ON items FOR EACH ROW INSERT INTO audit VALUES (NEW.id);",
      'CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;',
      "INSERT INTO items SELECT seq, MD5(seq), seq / 7 FROM seq_1_to_3000;",
      "USE blog; CREATE TABLE items (id INT PRIMARY KEY, name TEXT); INSERT INTO items VALUES (1, 'it''s été'), (2, 'a\\nb');",
    ].join('\n'),
  );
});

afterAll(async () => env?.dispose());

function target(extra: Partial<TargetConfig>): Partial<TargetConfig> & Pick<TargetConfig, 'type'> {
  return { type: 'mariadb', username: 'root', port: 3306, password: { kind: 'env', name: 'MARIADB_ROOT_PASSWORD', value: new Secret(PASSWORD) }, ...extra };
}

async function loadAndCompare(data: Buffer): Promise<void> {
  const fresh = await startContainer({ image, env: { MARIADB_ROOT_PASSWORD: PASSWORD } });
  const r = await execIn(fresh, ['mariadb', '-uroot'], { stdin: data, env: { MYSQL_PWD: PASSWORD } });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  for (const db of ['shop', 'blog']) expect(await mariadbSql(fresh, SUM, db)).toBe(await mariadbSql(src, SUM, db));
  expect(await mariadbSql(fresh, 'SELECT twice(21), (SELECT COUNT(*) FROM audit)', 'shop')).toBe('42\t3000');
}

describe('mariadb dump', () => {
  it('--all-databases restores into a fresh container with equal data, routines and triggers', async () => {
    const events = await recordEvents();
    const { dumped, data } = await dumpToFile(env.deps, makeJob(src, target({ databases: 'all' })), join(env.dir, 'all.sql'));
    expect(dumped.extension).toBe('sql');
    expect(Object.keys(dumped.toolVersions)).toEqual(['mariadb-dump']);
    expect(dumped.toolVersions['mariadb-dump']).toMatch(/MariaDB/);
    expect(data.toString()).toMatch(/-- Dump completed/);
    await loadAndCompare(data);
    const log = await events.stop();
    expect(log).toContain('mariadb-dump');
    expect(log).not.toContain(PASSWORD);
  });

  it('--databases shop blog restores the same way', async () => {
    const { dumped, data } = await dumpToFile(env.deps, makeJob(src, target({ databases: ['shop', 'blog'] })), join(env.dir, 'list.sql'));
    expect(dumped.databases).toEqual(['shop', 'blog']);
    expect(data.toString()).not.toMatch(/CREATE DATABASE[^;]*`mysql`/);
    await loadAndCompare(data);
  });

  it('a wrong password fails the stream with the exit code; the password appears nowhere', async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const events = await recordEvents();
    const err = await dumpError(env.deps, makeJob(src, target({ password: { kind: 'literal', value: new Secret(wrong) } })), join(env.dir, 'bad.sql'));
    expect(err.code).toBe('BAQUP_DUMP_FAILED');
    expect(err.message).toMatch(/mariadb-dump exited with code 2.*Access denied/s);
    expect(err.message).not.toContain(wrong);
    expect(await events.stop()).not.toContain(wrong);
  });
});
