// A container's environment as Docker gives it (`Config.Env`: ["KEY=value", …]) or as a plain record.

export type ContainerEnvInput = Readonly<Record<string, string>> | readonly string[];

/** Normalises either form to a Map; `KEY` without `=` (pass-through, not set) is skipped, later entries win. */
export function containerEnv(input: ContainerEnvInput | null | undefined): Map<string, string> {
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
  for (const [key, value] of Object.entries(input)) {
    if (typeof value === 'string') env.set(key, value);
  }
  return env;
}
