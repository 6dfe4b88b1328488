// `baqup lint`: a compose file's backup labels (--compose) and/or a config file (--config) checked before
// anything runs. Labels are parsed by the same parseLabels the controller uses, against the config's defaults.
import { existsSync } from 'node:fs';
import { controllerDefaults, errorMessage, parseLabels, type ContainerBackupConfig } from '@baqup/core';
import { readCompose } from '../lint/compose-file.js';
import { checkConfig } from '../lint/config-check.js';
import { printJson } from '../output/json.js';
import { UsageError } from '../usage-error.js';
import { bool, str, type Command } from './command.js';
import { cliConfig, jsonOption } from './config-option.js';
import { buildPlan, renderPlan, type PlanReport } from './plan-format.js';

function mustExist(kind: string, file: string): void {
  if (!existsSync(file)) throw new UsageError(`lint: ${kind} file ${file} does not exist`);
}

export const lint: Command = {
  summary: 'check a compose file\'s backup labels and/or a config file, without running anything',
  options: [
    { flags: '--compose <file>', description: 'a compose file whose services\' backup.* labels to check' },
    { flags: '-c, --config <file>', description: 'a controller config file to check (schema, notification URLs); its defaults apply to --compose' },
    { flags: '--env-file <file>', description: 'variables for ${VAR} in the compose file (default: .env beside it)' },
    { flags: '--strict', description: 'warnings are errors (exit 1): e.g. backup.* labels without backup.enabled', default: false },
    jsonOption,
  ],
  details: [
    'The compose file is read through `docker compose config` when that is installed; else with YAML merge keys',
    '(<<: *anchor) and ${VAR}, ${VAR:-default} interpolation from the environment and the env file.',
    'Output: the plan of every service with backup.* labels (as `baqup plan` prints it), warnings, label errors, config problems.',
    '--json: { rows, errors, warnings, config: { file, problems } }.',
    'Exit codes: 0 clean, 1 a label error or config problem (or a warning with --strict), 2 usage error or a missing file.',
  ].join('\n'),
  examples: ['--compose docker-compose.yml', '--config /config/baqup.yml', '--compose docker-compose.yml --config baqup.yml --strict', '--compose compose.yml --env-file prod.env --json'],
  async run({ opts }) {
    const composeFile = str(opts, 'compose');
    const configFile = str(opts, 'config');
    if (!composeFile && !configFile) throw new UsageError('lint: give --compose FILE, --config FILE, or both');
    if (configFile) mustExist('config', configFile);
    if (composeFile) mustExist('compose', composeFile);
    const envFile = str(opts, 'envFile');
    if (envFile) mustExist('env', envFile);

    const checked = configFile ? checkConfig(configFile, process.env) : undefined;
    const config = checked?.config ?? cliConfig(undefined).config;
    let report: PlanReport = { rows: [], errors: [], warnings: [] };
    if (composeFile) {
      let services;
      try {
        services = readCompose(composeFile, { ...(envFile ? { envFile } : {}), env: process.env }).services;
      } catch (err) {
        console.error(`baqup lint: ${composeFile}: ${errorMessage(err)}`);
        return 1;
      }
      const defaults = controllerDefaults(config);
      const desired = new Map<string, ContainerBackupConfig>();
      const warnings: PlanReport['warnings'] = [];
      for (const s of services) {
        const labels = Object.keys(s.labels).filter((k) => k.startsWith('backup.'));
        if (labels.length === 0) continue;
        if (!('backup.enabled' in s.labels)) {
          warnings.push({ container: s.name, label: labels[0]!, message: `has ${labels.length} backup.* label(s) (${labels.slice(0, 2).join(', ')}${labels.length > 2 ? ', …' : ''}) but no backup.enabled: nothing of it is backed up; add backup.enabled=true, or remove them` });
          continue;
        }
        desired.set(s.name, parseLabels(s.labels, Object.entries(s.env).map(([k, v]) => `${k}=${v}`), defaults, { id: s.name, name: s.name, image: s.image }));
      }
      report = { ...buildPlan(desired, new Date(), config.timezone), warnings };
    }
    const configProblems = checked?.problems ?? [];
    if (bool(opts, 'json')) printJson({ ...report, ...(checked ? { config: { file: checked.file, problems: configProblems } } : {}) });
    else {
      if (composeFile) console.log(renderPlan(report, `${composeFile}: no service carries backup.* labels`));
      if (checked) {
        if (composeFile) console.log('');
        console.log(configProblems.length === 0 ? `${checked.file}: config ok` : [`${checked.file}: ${configProblems.length} problem(s):`, ...configProblems.map((p) => `  - ${p}`)].join('\n'));
      }
    }
    const failing = report.errors.length > 0 || report.rows.some((r) => r.error) || configProblems.length > 0 || (bool(opts, 'strict') && report.warnings.length > 0);
    return failing ? 1 : 0;
  },
};
