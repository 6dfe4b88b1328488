// `${VAR}` and `${VAR:-default}` in config values (strings only, never keys). `$$` is a literal `$`; a bare
// `$VAR` is left alone because passwords contain dollars.

export type ConfigEnv = Readonly<Record<string, string | undefined>>;

const PATTERN = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$\{[^}]*\}?/g;

export interface Substituted {
  value: unknown;
  /** One line per variable that is unset and has no default, naming it and where it is used. */
  problems: string[];
}

/** Substitutes through a parsed YAML tree; returns a new tree, the input is not modified. */
export function substituteEnv(tree: unknown, env: ConfigEnv): Substituted {
  const problems: string[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') return substituteString(node, env, path, problems);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}/${i}`));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) out[key] = walk(value, `${path}/${escapePointer(key)}`);
      return out;
    }
    return node;
  };
  return { value: walk(tree, ''), problems };
}

function substituteString(text: string, env: ConfigEnv, path: string, problems: string[]): string {
  return text.replace(PATTERN, (match: string, name: string | undefined, op: string | undefined, fallback: string | undefined) => {
    if (match === '$$') return '$';
    const where = path || '/';
    if (name === undefined) {
      problems.push(`${where}: malformed variable reference "${match}" (use \${NAME} or \${NAME:-default})`);
      return match;
    }
    const value = env[name];
    // `:-` (like the shell) also replaces an empty value; `-` only an unset one.
    const missing = value === undefined || (op === ':-' && value === '');
    if (!missing) return value;
    if (op !== undefined) return fallback ?? '';
    problems.push(`${where}: environment variable ${name} is not set (write \${${name}:-default} to give a default)`);
    return match;
  });
}

/** JSON Pointer escaping, so paths in messages match the schema validator's. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
