import { describe, expect, it } from 'vitest';
import { checkDumpShape } from './content.js';
import { unexpectedErrors } from './loaders/postgres.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('checkDumpShape', () => {
  it('postgres: header and trailer', () => {
    expect(checkDumpShape('postgres', b('--\n-- PostgreSQL database cluster dump\n--\n'), b('\n-- PostgreSQL database cluster dump complete\n--\n'), 100)).toMatch(/cluster dump, complete/);
    expect(() => checkDumpShape('postgres', b('--\n-- PostgreSQL database dump\n'), b('INSERT INTO'), 100)).toThrow(/truncated/);
    expect(() => checkDumpShape('postgres', b('hello'), b('x'), 5)).toThrow(/header/);
  });

  it('mariadb: header after the sandbox line, and trailer', () => {
    const head = b('/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19\n');
    expect(checkDumpShape('mariadb', head, b('-- Dump completed on 2024-01-01\n'), 100)).toBe('MariaDB dump, complete');
    expect(() => checkDumpShape('mariadb', head, b('INSERT'), 100)).toThrow(/Dump completed/);
  });

  it('redis: magic and EOF opcode', () => {
    const tail = Buffer.concat([b('xx'), Buffer.from([0xff]), Buffer.alloc(8)]);
    expect(checkDumpShape('redis', b('REDIS0011'), tail, 100)).toMatch(/RDB version 0011/);
    expect(() => checkDumpShape('redis', b('REDIS0011'), b('truncated!'), 100)).toThrow(/EOF/);
    expect(() => checkDumpShape('redis', b('NOPE'), tail, 100)).toThrow(/magic/);
  });

  it('sqlite: header and a whole number of pages', () => {
    const head = Buffer.alloc(100);
    head.write('SQLite format 3\0', 0, 'latin1');
    head.writeUInt16BE(4096, 16);
    expect(checkDumpShape('sqlite', head, Buffer.alloc(0), 8192)).toMatch(/2 pages of 4096/);
    expect(() => checkDumpShape('sqlite', head, Buffer.alloc(0), 8000)).toThrow(/page size/);
  });
});

describe('postgres unexpectedErrors', () => {
  it('ignores the errors of every restore over a live cluster', () => {
    const stderr = [
      'psql:<stdin>:14: ERROR:  current user cannot be dropped',
      'psql:<stdin>:20: ERROR:  role "postgres" already exists',
      'psql:<stdin>:99: ERROR:  relation "items" already exists',
    ].join('\n');
    expect(unexpectedErrors(stderr)).toEqual(['psql:<stdin>:99: ERROR:  relation "items" already exists']);
  });
});
