// Where a target's password comes from: a literal label, a variable of the container's env, or a file in it.
import type { CredentialSource } from '../model.js';
import { Secret } from '../secret.js';
import type { Parsed } from './values.js';
import { parseAbsolutePath } from './values.js';

/**
 * A password held in the container env under `name`. Official images also accept `<NAME>_FILE` (a Docker secret
 * path): that becomes a file source, read through the archive API when the job runs. A plain value wins when both
 * exist. A name that itself ends in `_FILE` is read as a path.
 */
export function envCredential(name: string, env: ReadonlyMap<string, string>): CredentialSource | undefined {
  const value = env.get(name);
  if (value !== undefined) {
    if (name.endsWith('_FILE') && value.startsWith('/')) return { kind: 'file', path: value };
    return { kind: 'env', name, value: new Secret(value) };
  }
  const file = env.get(`${name}_FILE`);
  if (file !== undefined && file.startsWith('/')) return { kind: 'file', path: file };
  return undefined;
}

/** The credential a target's labels ask for; the caller has already checked that only one form is used. */
export function labelCredential(property: string, raw: string, env: ReadonlyMap<string, string>): Parsed<CredentialSource> {
  if (property === 'password') {
    if (raw.length === 0) return { ok: false, message: 'password is empty', expected: 'a non-empty password' };
    return { ok: true, value: { kind: 'literal', value: new Secret(raw) } };
  }
  if (property === 'password_env') {
    const name = raw.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      return { ok: false, message: `not an environment variable name: "${raw}"`, expected: 'a variable name such as POSTGRES_PASSWORD' };
    }
    const source = envCredential(name, env);
    if (source) return { ok: true, value: source };
    return {
      ok: false,
      message: `the container's environment has no ${name} (nor ${name}_FILE)`,
      expected: 'the name of a variable set on this container',
    };
  }
  const path = parseAbsolutePath(raw);
  return path.ok ? { ok: true, value: { kind: 'file', path: path.value } } : path;
}
