// MongoDB: `mongodump --archive` to stdout (we compress ourselves, so no --gzip).
//
// UNTESTED HERE: there are no MongoDB tools in Debian, so this module follows the documented mongodump
// options (--archive, --config, --nsInclude) and has no e2e test. The password must not go in argv (--uri or
// --password would be broadcast in Docker's exec events): it goes in a YAML config file (`password:` key, which
// mongodump's --config reads) written with mode 0600 to /tmp in the container and removed after the dump.
import { randomBytes } from 'node:crypto';
import { DRILL_EXACT_ROW_LIMIT, type TargetConfig } from '@baqup/core';
import { collectChecks, ready } from '../checks/collect.js';
import { mongoCounts } from '../checks/mongo.js';
import { ToolMissingError } from '../errors.js';
import { findTool, output, run } from '../tool.js';
import { writeFile } from '../archive-file.js';
import type { Engine, PlanStep, RestorePlan } from './types.js';

const CONFIG_DIR = '/tmp';

function connection(target: TargetConfig, configPath: string | undefined): string[] {
  const args = ['--host=127.0.0.1', `--port=${target.port ?? 27017}`];
  if (configPath) args.push(`--config=${configPath}`);
  if (target.username) args.push(`--username=${target.username}`, '--authenticationDatabase=admin');
  return args;
}

export function mongodumpArgv(target: TargetConfig, configPath: string | undefined): string[] {
  const filter = target.databases === undefined || target.databases === 'all' ? [] : target.databases.map((db) => `--nsInclude=${db}.*`);
  return ['mongodump', '--archive', ...connection(target, configPath), ...filter];
}

/** mongorestore fed the archive on stdin, dropping each collection first. */
export function mongorestoreArgv(target: TargetConfig, configPath: string | undefined): string[] {
  return ['mongorestore', '--archive', '--drop', ...connection(target, configPath)];
}

export const mongo: Engine = {
  extension: 'archive',

  async dump(ctx) {
    const found = await findTool(ctx, ['mongodump']);
    if (!found) throw new ToolMissingError(['mongodump'], ctx.containerName);
    let configPath: string | undefined;
    if (ctx.password) {
      const name = `baqup-${randomBytes(8).toString('hex')}.yaml`;
      configPath = `${ctx.tmpDir}/${name}`;
      const path = configPath;
      ctx.defer(async () => {
        await run({ ...ctx, signal: AbortSignal.timeout(30_000) }, ['rm', '-f', path]);
      });
      // JSON strings are valid YAML double-quoted scalars: any character in a password survives.
      await writeFile(ctx.files, ctx.tmpDir, name, Buffer.from(`password: ${JSON.stringify(ctx.password.reveal())}\n`), 0o600);
    }
    const { target } = ctx;
    const checks = await collectChecks('document counts', ctx.logger, async () => {
      if (!(await findTool(ctx, ['mongosh']))) throw new Error('no mongosh in the container');
      return { databases: await mongoCounts((argv, e) => run(ctx, argv, e), target, Array.isArray(target.databases) ? target.databases : 'all', DRILL_EXACT_ROW_LIMIT, ctx.password) };
    });
    return {
      stream: output(ctx, mongodumpArgv(target, configPath)),
      extension: 'archive',
      ...(Array.isArray(target.databases) ? { databases: target.databases } : {}),
      toolVersions: { mongodump: found.version },
      checks: ready(checks),
    };
  },

  plan(target): PlanStep[] {
    const config = target.password ? `${CONFIG_DIR}/baqup-<random>.yaml` : undefined;
    const steps: PlanStep[] = [{ action: 'exec', description: 'find mongodump and its version', argv: ['sh', '-c', '…', 'mongodump'] }];
    if (config) steps.push({ action: 'write-file', description: 'write the password to a 0600 config file', path: config });
    steps.push({ action: 'exec-stream', description: 'dump as a mongodump archive', argv: mongodumpArgv(target, config) });
    if (config) steps.push({ action: 'remove-file', description: 'remove the config file', path: config });
    return steps;
  },

  restore(target): RestorePlan {
    const config = target.password ? `${CONFIG_DIR}/baqup-<random>.yaml` : undefined;
    return {
      steps: [
        ...(config ? [{ action: 'write-file' as const, description: 'write the password to a 0600 config file', path: config }] : []),
        { action: 'exec', description: 'restore the archive, dropping collections first', argv: mongorestoreArgv(target, config), stdin: true },
        ...(config ? [{ action: 'remove-file' as const, description: 'remove the config file', path: config }] : []),
      ],
      notes: ['Untested in baqup CI (no MongoDB tools in Debian).'],
    };
  },
};
