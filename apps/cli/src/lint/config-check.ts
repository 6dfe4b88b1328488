// `baqup lint --config FILE`: the config file as the controller would load it (YAML, schema, semantics). Every alert
// and ping URL is parsed by the config's own validation (unknown schemes, broken forms), so nothing fails later at start.
import { ConfigError, errorMessage, loadConfig, type ControllerConfig } from '@baqup/core';

export interface ConfigCheck {
  file: string;
  config?: ControllerConfig;
  problems: string[];
}

export function checkConfig(file: string, env: NodeJS.ProcessEnv): ConfigCheck {
  try {
    return { file, config: loadConfig({ path: file, env }).config, problems: [] };
  } catch (err) {
    if (err instanceof ConfigError) return { file, problems: err.problems.length ? err.problems : [err.message] };
    return { file, problems: [errorMessage(err)] };
  }
}
