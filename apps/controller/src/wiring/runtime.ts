// The process's config, redactor, logger, notifier and pinger: what every other piece logs, alerts and pings through.
import { mkdirSync } from 'node:fs';
import { loadConfig, type ConfigEnv, type ControllerConfig, type Logger, type Secret } from '@baqup/core';
import { createLogger, createRedactor } from '@baqup/log';
import { createNotifier, createPinger, type Delivery, type Notifier, type Pinger } from '@baqup/notify';
import { JobLogs } from '../job-logs.js';

export interface Runtime {
  config: ControllerConfig;
  /** Where the config came from (a path, or defaults), for `config.loaded`. */
  source: string;
  redactor: ReturnType<typeof createRedactor>;
  logger: Logger & { flush(): Promise<void> };
  notifier: Notifier;
  /** Dead-man's-switch pings around each job (config `notifications.ping`, labels `backup.<type>.<name>.ping`). */
  pinger: Pinger;
  /** Each job's log lines since start, for GET /api/jobs/{id}/logs. */
  jobLogs: JobLogs;
}

export function loadRuntime(options: {
  configPath?: string | undefined;
  env: ConfigEnv;
  /** Told about every notification delivery (the history records them). */
  onDelivery?: (d: Delivery) => void;
}): Runtime {
  const { config, source } = loadConfig({ ...(options.configPath ? { path: options.configPath } : {}), env: options.env });
  const redactor = createRedactor();
  const jobLogs = new JobLogs();
  const logger = createLogger({ level: config.logging.level, format: config.logging.format, redactor, onLine: jobLogs.add });
  mkdirSync(config.staging.path, { recursive: true });
  const redact = (t: string) => redactor.redact(t);
  const onSecret = (s: Secret) => redactor.add(s);
  const notifier = createNotifier({
    onFailure: config.notifications.on_failure,
    onSuccess: config.notifications.on_success,
    ...(config.notifications.webhook ? { webhook: config.notifications.webhook } : {}),
    ...(config.notifications.click_url ? { clickUrl: config.notifications.click_url } : {}),
    logger,
    redact,
    ...(options.onDelivery ? { onDelivery: options.onDelivery } : {}),
    onSecret,
  });
  for (const s of notifier.secrets) redactor.add(s);
  const pinger = createPinger({ global: config.notifications.ping, logger, redact, onSecret });
  for (const s of pinger.secrets) redactor.add(s);
  return { config, source, redactor, logger, notifier, pinger, jobLogs };
}
