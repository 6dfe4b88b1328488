// What restore, verify and ls share on the command line: the config's backup sources, a Docker client, the stop
// journal of the same data dir (so a crash mid-restore is repaired by the controller's next start), and a logger
// that prints only warnings and errors, to stderr (stdout is the command's report).
import { controllerDefaults, type ControllerConfig, type ControllerDefaults, type Logger, type LogFields } from '@baqup/core';
import { applyHost, createDockerClient, type DockerClient } from '@baqup/docker';
import { ContainerHolds } from '@baqup/dump';
import { sourcesFromConfig, type BackupSources } from '@baqup/restore';
import { cliConfig } from '../commands/config-option.js';

export interface CliContext {
  config: ControllerConfig;
  defaults: ControllerDefaults;
  sources: BackupSources;
  logger: Logger;
  docker(): DockerClient;
  holds(): ContainerHolds;
}

const line = (level: string) => (msg: string, fields?: LogFields) => {
  // The command prints its own failure; the restore.failed line would say it twice.
  if (fields?.event === 'restore.failed') return;
  const err = fields?.error ? `: ${fields.error.message}` : '';
  console.error(`baqup: ${level}: ${msg}${err}`);
};

export const stderrLogger: Logger = { debug() {}, info() {}, warn: line('warning'), error: line('error') };

export async function cliContext(configPath: string | undefined): Promise<CliContext> {
  const { config } = cliConfig(configPath);
  let docker: DockerClient | undefined;
  let holds: ContainerHolds | undefined;
  const dockerClient = (): DockerClient => (docker ??= createDockerClient());
  // The same host as the controller's (config `host`, $BAQUP_HOSTNAME, else the engine's name): the same remote directory.
  await applyHost(config, { docker: dockerClient(), attempts: 1, logger: stderrLogger });
  const ctx: CliContext = {
    config,
    defaults: controllerDefaults(config),
    sources: sourcesFromConfig(config, stderrLogger),
    logger: stderrLogger,
    docker: dockerClient,
    holds: () => (holds ??= new ContainerHolds({ docker: ctx.docker(), journal: config.journal, logger: stderrLogger })),
  };
  return ctx;
}

export { humanSize } from '../output/size.js';

/** Rows as aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [fmt(header), ...rows.map(fmt)].join('\n');
}
