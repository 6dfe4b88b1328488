// `baqup lint --compose FILE`: the labels of a compose file checked before anything runs.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { controllerDefaults, parseLabels, type ContainerBackupConfig } from '@baqup/core';
import type { Command } from './command.js';
import { cliConfig, configOption } from './config-option.js';
import { buildPlan, renderPlan } from './plan-format.js';

type KeyValues = Record<string, string>;

/** Compose allows labels and environment as a map or as a `KEY=value` list. */
export function keyValues(v: unknown): KeyValues {
  if (Array.isArray(v)) {
    return Object.fromEntries(
      v.map(String).map((s) => {
        const i = s.indexOf('=');
        return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
      }),
    );
  }
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x == null ? '' : String(x)]));
  return {};
}

export function composeServices(text: string): Array<{ name: string; image: string; labels: KeyValues; env: KeyValues }> {
  const doc = parse(text) as { services?: Record<string, Record<string, unknown>> } | null;
  if (!doc || typeof doc !== 'object' || !doc.services || typeof doc.services !== 'object') {
    throw new Error('not a compose file: no top-level "services" map');
  }
  return Object.entries(doc.services).map(([name, svc]) => ({
    name: typeof svc?.container_name === 'string' ? svc.container_name : name,
    image: typeof svc?.image === 'string' ? svc.image : '(build)',
    labels: keyValues(svc?.labels),
    env: keyValues(svc?.environment),
  }));
}

export const lint: Command = {
  summary: 'check the backup labels of a compose file without running anything',
  usage: '--compose FILE [--config FILE] [--json]',
  async run(args) {
    const { values } = parseArgs({ args, options: { ...configOption, compose: { type: 'string' }, json: { type: 'boolean', default: false } } });
    if (!values.compose) {
      console.error('baqup lint: --compose FILE is required');
      return 2;
    }
    const { config } = cliConfig(values.config);
    const defaults = controllerDefaults(config);
    const desired = new Map<string, ContainerBackupConfig>();
    for (const s of composeServices(readFileSync(values.compose, 'utf8'))) {
      if (!Object.keys(s.labels).some((k) => k.startsWith('backup.'))) continue;
      desired.set(s.name, parseLabels(s.labels, Object.entries(s.env).map(([k, v]) => `${k}=${v}`), defaults, { id: s.name, name: s.name, image: s.image }));
    }
    const report = buildPlan(desired, new Date(), config.timezone);
    console.log(values.json ? JSON.stringify(report, null, 2) : renderPlan(report, `${values.compose}: no service carries backup.* labels`));
    return report.errors.length > 0 || report.rows.some((r) => r.error) ? 1 : 0;
  },
};
