// `baqup lint --config FILE`: the config file as the controller would load it (YAML, schema, semantics), plus
// what only the notifier checked at start until now: each notification URL's scheme and form. Starts nothing.
import { ConfigError, errorMessage, loadConfig, type ControllerConfig } from '@baqup/core';
import { parseChannel } from '@baqup/notify';

export interface ConfigCheck {
  file: string;
  config?: ControllerConfig;
  problems: string[];
}

export function checkConfig(file: string, env: NodeJS.ProcessEnv): ConfigCheck {
  let config: ControllerConfig;
  try {
    config = loadConfig({ path: file, env }).config;
  } catch (err) {
    if (err instanceof ConfigError) return { file, problems: err.problems.length ? err.problems : [err.message] };
    return { file, problems: [errorMessage(err)] };
  }
  const problems: string[] = [];
  const n = config.notifications;
  const urls: Array<[string, string]> = [
    ...n.on_failure.map((u, i): [string, string] => [`/notifications/on_failure/${i}`, u]),
    ...(n.on_success === false ? [] : n.on_success.map((u, i): [string, string] => [`/notifications/on_success/${i}`, u])),
  ];
  for (const [where, url] of urls) {
    try {
      parseChannel(url);
    } catch (err) {
      problems.push(`${where}: ${errorMessage(err)}`);
    }
  }
  if (n.webhook) {
    try {
      parseChannel({ url: n.webhook });
    } catch (err) {
      problems.push(`/notifications/webhook: ${errorMessage(err)}`);
    }
  }
  return { file, config, problems };
}
