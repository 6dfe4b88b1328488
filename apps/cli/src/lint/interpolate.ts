// Compose's variable interpolation, for when `docker compose config` is not there: `$VAR`, `${VAR}`,
// `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?msg}` / `${VAR?msg}` (required), `$$` (a `$`).
// Applied to values only, as compose does.

export type Vars = Record<string, string | undefined>;

export class InterpolationError extends Error {}

const TOKEN = /\$(?:\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

function braced(expr: string, vars: Vars): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])(.*))?$/s.exec(expr);
  if (!m) throw new InterpolationError(`invalid interpolation "\${${expr}}"`);
  const [, name, colon, op, arg = ''] = m;
  const value = vars[name!];
  const missing = value === undefined || (colon === ':' && value === '');
  if (op === '-') return missing ? interpolate(arg, vars) : value!;
  if (op === '?') {
    if (missing) throw new InterpolationError(`required variable ${name} is ${value === undefined ? 'unset' : 'empty'}${arg ? `: ${arg}` : ''}`);
    return value!;
  }
  if (op === '+') return missing ? '' : interpolate(arg, vars);
  return value ?? '';
}

export function interpolate(text: string, vars: Vars): string {
  return text.replace(TOKEN, (whole, expr: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    if (bare !== undefined) return vars[bare] ?? '';
    return braced(expr ?? '', vars);
  });
}

/** Every string value in a parsed document, interpolated (keys are left as written). */
export function interpolateValues(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') return interpolate(value, vars);
  if (Array.isArray(value)) return value.map((v) => interpolateValues(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateValues(v, vars)]));
  return value;
}

/** A compose `.env` file: `KEY=value` lines, `#` comments, optional `export `, single or double quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!;
    if (/^'.*'$/.test(v)) v = v.slice(1, -1);
    else if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"');
    else v = v.replace(/\s+#.*$/, '');
    out[m[1]!] = v;
  }
  return out;
}
