// A container's environment as Docker gives it (`Config.Env`: ["KEY=value", …]), as a plain record, or as a Map.

export type ContainerEnvInput = Readonly<Record<string, string>> | readonly string[] | ReadonlyMap<string, string>;

/**
 * Normalises any form to a Map; `KEY` without `=` (pass-through, not set) is skipped, later entries win. A Map is
 * used as it is, not copied (discovery passes one that notes whether the labels' parse looked at the env at all).
 */
export function containerEnv(input: ContainerEnvInput | null | undefined): ReadonlyMap<string, string> {
  if (input instanceof Map) return input as ReadonlyMap<string, string>;
  const env = new Map<string, string>();
  if (input == null || typeof input !== 'object') return env;
  if (Array.isArray(input)) {
    for (const entry of input) {
      if (typeof entry !== 'string') continue;
      const eq = entry.indexOf('=');
      if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    return env;
  }
  for (const [key, value] of Object.entries(input as Readonly<Record<string, string>>)) {
    if (typeof value === 'string') env.set(key, value);
  }
  return env;
}
