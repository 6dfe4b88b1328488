// MariaDB and MySQL: one consistent logical dump (--single-transaction) with routines, events and triggers, as
// SQL. The password travels in MYSQL_PWD (exec env), never argv. We connect the way the client defaults inside
// the container (the local socket), as `docker exec mariadb-dump` would.
//
// The dump tool's version goes into the manifest: MariaDB 10.11+/11 dumps start with a
// `/*M!999999\- enable the sandbox mode */` line that older clients (and MySQL's) reject on restore.
import { DRILL_EXACT_ROW_LIMIT, type TargetConfig } from '@baqup/core';
import { collectChecks, ready } from '../checks/collect.js';
import { mysqlRowCounts } from '../checks/mysql.js';
import { ToolMissingError } from '../errors.js';
import { findTool, output, run, type ToolEnv } from '../tool.js';
import type { Engine, EngineContext, PlanStep, RestorePlan } from './types.js';

const FLAGS = ['--single-transaction', '--routines', '--events', '--triggers', '--hex-blob', '--default-character-set=utf8mb4'];

function tools(flavour: 'mariadb' | 'mysql'): string[] {
  return flavour === 'mariadb' ? ['mariadb-dump', 'mysqldump'] : ['mysqldump', 'mariadb-dump'];
}

export function mysqlDumpArgv(tool: string, target: TargetConfig): string[] {
  const dbs = target.databases === undefined || target.databases === 'all' ? ['--all-databases'] : ['--databases', ...target.databases];
  return [tool, ...FLAGS, `--user=${target.username ?? 'root'}`, ...dbs];
}

/** The client that loads a dump (stdin), stopping at the first error; the password goes in MYSQL_PWD. */
export function mysqlRestoreArgv(client: string, target: TargetConfig): string[] {
  return [client, `--user=${target.username ?? 'root'}`];
}

/** The clients a restore looks for, preferred first. */
export function mysqlClients(flavour: 'mariadb' | 'mysql'): string[] {
  return flavour === 'mariadb' ? ['mariadb', 'mysql'] : ['mysql', 'mariadb'];
}

function env(ctx: EngineContext): ToolEnv {
  return ctx.password ? { MYSQL_PWD: ctx.password } : {};
}

function mysqlEngine(flavour: 'mariadb' | 'mysql'): Engine {
  const candidates = tools(flavour);
  return {
    extension: 'sql',

    async dump(ctx) {
      const found = await findTool(ctx, candidates);
      if (!found) throw new ToolMissingError(candidates, ctx.containerName);
      const { target } = ctx;
      const checks = await collectChecks('row counts', ctx.logger, async () => {
        const client = await findTool(ctx, mysqlClients(flavour));
        if (!client) throw new Error(`none of ${mysqlClients(flavour).join(', ')} in the container`);
        const dbs = Array.isArray(target.databases) ? target.databases : 'all';
        return { databases: await mysqlRowCounts((argv, e) => run(ctx, argv, e), client.tool, target, dbs, DRILL_EXACT_ROW_LIMIT, ctx.password) };
      });
      return {
        stream: output(ctx, mysqlDumpArgv(found.tool, target), env(ctx)),
        extension: 'sql',
        ...(Array.isArray(target.databases) ? { databases: target.databases } : {}),
        toolVersions: { [found.tool]: found.version },
        checks: ready(checks),
      };
    },

    plan(target): PlanStep[] {
      return [
        { action: 'exec', description: `find the dump tool (${candidates.join(' or ')}) and its version`, argv: ['sh', '-c', '…', ...candidates] },
        {
          action: 'exec-stream',
          description: 'dump as SQL',
          argv: mysqlDumpArgv(candidates[0]!, target),
          env: target.password ? ['MYSQL_PWD'] : [],
        },
      ];
    },

    restore(target): RestorePlan {
      const clients = mysqlClients(flavour);
      return {
        steps: [
          { action: 'exec', description: `find the client (${clients.join(' or ')})`, argv: ['sh', '-c', '…', ...clients] },
          {
            action: 'exec',
            description: 'run the SQL script (the client stops at the first error)',
            argv: mysqlRestoreArgv(clients[0]!, target),
            env: target.password ? ['MYSQL_PWD'] : [],
            stdin: true,
          },
        ],
        notes: [
          'The dump recreates the databases it holds (CREATE DATABASE IF NOT EXISTS, DROP TABLE IF EXISTS).',
          'Not one transaction: DDL commits implicitly in MariaDB/MySQL. The safety copy taken first is the rollback.',
          'A dump from MariaDB 10.11+/11 begins with a sandbox-mode line: restore with a client of the same version (see toolVersions).',
        ],
      };
    },
  };
}

export const mariadb = mysqlEngine('mariadb');
export const mysql = mysqlEngine('mysql');
