// `baqup plan`: what the controller would back up, from the labels Docker has now. Runs nothing.
import { parseArgs } from 'node:util';
import { controllerDefaults, parseLabels, type ContainerBackupConfig } from '@baqup/core';
import { createDockerClient } from '@baqup/docker';
import type { Command } from './command.js';
import { cliConfig, configOption } from './config-option.js';
import { buildPlan, renderPlan } from './plan-format.js';

export const plan: Command = {
  summary: 'print every labelled container\'s effective targets, schedules, next runs and label errors',
  usage: '[--config FILE] [--json]',
  async run(args) {
    const { values } = parseArgs({ args, options: { ...configOption, json: { type: 'boolean', default: false } } });
    const { config } = cliConfig(values.config);
    const defaults = controllerDefaults(config);
    const docker = createDockerClient();
    const summaries = await docker.list({ labels: ['backup.enabled'] });
    const desired = new Map<string, ContainerBackupConfig>();
    for (const s of summaries) {
      const c = await docker.inspect(s.id);
      desired.set(c.id, parseLabels(c.labels, c.env, defaults, { id: c.id, name: c.name, image: c.image }));
    }
    const report = buildPlan(desired, new Date(), config.timezone);
    console.log(values.json ? JSON.stringify(report, null, 2) : renderPlan(report, `no running container carries backup.enabled (engine ${docker.address})`));
    return report.errors.length > 0 || report.rows.some((r) => r.error) ? 1 : 0;
  },
};
