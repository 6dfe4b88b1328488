// `baqup plan`: what the controller would back up, from the labels Docker has now. Runs nothing. Containers are
// derived by discovery's own code (discoverOnce + deriveFromLabels), so the plan is what the controller sees.
import { controllerDefaults } from '@baqup/core';
import { createDockerClient } from '@baqup/docker';
import { deriveFromLabels, discoverOnce, dockerDiscoverySource } from '@baqup/discovery';
import { printJson } from '../output/json.js';
import { bool, str, type Command } from './command.js';
import { cliConfig, configOption, jsonOption } from './config-option.js';
import { buildPlan, renderPlan } from './plan-format.js';

export const plan: Command = {
  summary: 'print every labelled container\'s effective targets, schedules, next runs and label errors',
  options: [configOption, jsonOption],
  details: [
    'Reads the labels of the running containers of the engine at $DOCKER_HOST (default /var/run/docker.sock).',
    'Output: per container, one line per target: engine, what it dumps, schedule (cron) and next run in the config\'s',
    'timezone, retention in the labels\' words (7, 14d, 7,keep_daily=7), compression; then label errors with suggestions.',
    '--json: { rows: [{ container, target, engine, databases, path, schedule, cron, next_run, retention, compress, stop, error }], errors: [{ container, label, value, message, expected, suggestion }], warnings }.',
    'Exit codes: 0 no label error, 1 some label error (the valid targets are still planned), 2 usage error.',
  ].join('\n'),
  examples: ['', '--json', '--config /config/baqup.yml'],
  async run({ opts }) {
    const { config } = cliConfig(str(opts, 'config'));
    const docker = createDockerClient();
    const { desired, failures } = await discoverOnce(dockerDiscoverySource(docker), { derive: deriveFromLabels(controllerDefaults(config)) });
    for (const f of failures) console.error(`baqup plan: ${f.name ?? f.id}: ${f.message}`);
    const report = buildPlan(desired, new Date(), config.timezone);
    if (bool(opts, 'json')) printJson(report);
    else console.log(renderPlan(report, `no running container carries backup.enabled (engine ${docker.address})`));
    return report.errors.length > 0 || report.rows.some((r) => r.error) || failures.length > 0 ? 1 : 0;
  },
};
