// `baqup suggest`: the databases (and known apps' data) of a compose file or of the running containers, and the
// backup.* labels that would back them up, by the same detection the dashboard's unprotected containers use.
// `--write` adds them to the compose file, keeping its comments and formatting.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { controllerDefaults, errorMessage, suggestLabels } from '@baqup/core';
import { createDockerClient } from '@baqup/docker';
import { suggestForContainer } from '@baqup/discovery';
import { composeVars } from '../lint/compose-file.js';
import { printJson } from '../output/json.js';
import { readComposeDoc } from '../suggest/compose-doc.js';
import { hostSqliteFiles } from '../suggest/host-sqlite.js';
import { renderSuggestions, type SuggestRow } from '../suggest/render.js';
import { addLabels, type WriteResult } from '../suggest/write-labels.js';
import { UsageError } from '../usage-error.js';
import { bool, str, type Command } from './command.js';
import { cliConfig, configOption, jsonOption } from './config-option.js';

export const suggest: Command = {
  summary: 'propose backup.* labels for the databases of a compose file (or of the running containers)',
  arguments: [{ name: '[compose-file]', description: 'the compose file to read (and with --write, to change)' }],
  options: [
    { flags: '--compose <file>', description: 'the compose file, as with baqup lint --compose (same as the argument)' },
    { flags: '--running', description: 'look at the running containers of the engine at $DOCKER_HOST instead of a file', default: false },
    { flags: '--filter <label>', description: 'with --running: only containers with this label (key or key=value), e.g. com.docker.compose.project=shop' },
    { flags: '--write', description: 'add the suggested labels to the compose file (comments and formatting kept)', default: false },
    { flags: '--env-file <file>', description: 'variables for ${VAR} in the compose file (default: .env beside it)' },
    configOption,
    jsonOption,
  ],
  details: [
    'Detection: postgres, mariadb, mysql, mongo and redis by image name (redis only with a volume at its data',
    'directory); SQLite by .db/.sqlite/.sqlite3 files on volumes (bind-mounted host directories of a compose file;',
    'every volume of a running container) whose header says SQLite; a few apps\' data directories (copied cold).',
    'Credentials are named by the service\'s own env variables (password_env=POSTGRES_PASSWORD), never by value.',
    'Output: per service what was recognised, the labels to add, and notes. Services already backed up are left alone.',
    '--json: { source, services: [{ service, image, status (suggested|protected|none), labels, targets, notes, problems }], written, skipped }.',
    'Exit codes: 0 done (with or without suggestions), 1 a file or container could not be read (or a suggestion failed its',
    'own label check, listed as a problem), 2 usage error or a missing file.',
  ].join('\n'),
  examples: ['docker-compose.yml', '--compose docker-compose.yml --write', '--running', '--running --filter com.docker.compose.project=shop --json'],
  async run({ args, opts }) {
    const composeOpt = str(opts, 'compose');
    if (composeOpt !== undefined && args[0] !== undefined && composeOpt !== args[0]) throw new UsageError('suggest: give the compose file once, as the argument or with --compose');
    const file = composeOpt ?? args[0];
    const running = bool(opts, 'running');
    const write = bool(opts, 'write');
    if (running && file) throw new UsageError('suggest: give a compose file or --running, not both');
    if (!running && !file) throw new UsageError('suggest: give a compose file, or --running for the running containers');
    const filter = str(opts, 'filter');
    if (filter !== undefined && !running) throw new UsageError('suggest: --filter selects running containers; it goes with --running');
    if (running && write) throw new UsageError('suggest: --write changes a compose file; it does not go with --running');
    if (file && !existsSync(file)) throw new UsageError(`suggest: compose file ${file} does not exist`);
    const envFile = str(opts, 'envFile');
    if (envFile && !existsSync(envFile)) throw new UsageError(`suggest: env file ${envFile} does not exist`);
    const defaults = controllerDefaults(cliConfig(str(opts, 'config')).config);

    let rows: SuggestRow[] = [];
    let failed = false;
    let writeResult: WriteResult | undefined;
    if (file) {
      let compose;
      try {
        compose = readComposeDoc(file, composeVars(file, envFile, process.env));
      } catch (err) {
        console.error(`baqup suggest: ${file}: ${errorMessage(err)}`);
        return 1;
      }
      rows = compose.services.map((s) => ({
        service: s.name,
        image: s.image,
        suggestion: suggestLabels(
          { name: s.name, image: s.image, envNames: s.envNames, mounts: s.mounts.map((m) => m.target), labels: s.labels, sqliteFiles: hostSqliteFiles(s.mounts) },
          { defaults },
        ),
      }));
      if (write) {
        const additions = compose.services.map((s, i) => ({ key: s.key, labels: rows[i]!.suggestion.labels, mergedLabels: s.mergedLabels }));
        writeResult = addLabels(compose.text, compose.doc, additions);
        if (writeResult.written.length > 0) {
          // Nothing half-written: the new text goes to a temp file renamed over the original.
          const tmp = `${file}.baqup-${process.pid}.tmp`;
          writeFileSync(tmp, writeResult.text);
          renameSync(tmp, file);
        }
      }
    } else {
      const docker = createDockerClient();
      for (const c of await docker.list(filter ? { labels: [filter] } : {})) {
        try {
          const info = await docker.inspect(c.id);
          rows.push({ service: info.name, image: info.image, suggestion: await suggestForContainer(docker, info, { defaults }) });
        } catch (err) {
          failed = true;
          console.error(`baqup suggest: ${c.name}: ${errorMessage(err)}`);
        }
      }
    }

    if (bool(opts, 'json')) {
      printJson({
        source: file ?? 'running',
        services: rows.map((r) => ({ ...r.suggestion, image: r.image })),
        ...(writeResult ? { written: writeResult.written, skipped: writeResult.skipped } : {}),
      });
    } else {
      console.log(renderSuggestions(rows, file ? `${file}: no services` : 'no running containers'));
      if (writeResult) {
        console.log('');
        console.log(writeResult.written.length > 0 ? `${file}: labels added to ${writeResult.written.join(', ')}; check with: baqup lint --compose ${file}` : `${file}: nothing to add, left unchanged`);
        for (const s of writeResult.skipped) console.log(`${file}: ${s.service} not changed: ${s.reason}`);
      } else if (file && rows.some((r) => r.suggestion.status === 'suggested')) {
        console.log('');
        console.log(`add them with: baqup suggest ${file} --write`);
      }
    }
    return failed || rows.some((r) => r.suggestion.problems.length > 0) ? 1 : 0;
  },
};
