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

/**
 * Whether a `password_env` / `password_file` value may be echoed in an error or the API. Those labels should hold
 * a variable name or a path, but a password written into them by mistake (`password_env=hunter2`) must not be shown:
 * a name is shown only when the container has it or it is UPPER_SNAKE_CASE, a path only when it is absolute.
 */
export function isShowableReference(property: string, raw: string, env: ReadonlyMap<string, string>): boolean {
  const v = raw.trim();
  if (property === 'password_env') return env.has(v) || env.has(`${v}_FILE`) || /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(v);
  if (property === 'password_file') return v.startsWith('/') && !/\s/.test(v);
  return true;
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
      // The value is not shown: something that is not a variable name may be the password itself.
      return { ok: false, message: 'not an environment variable name (the value is not shown: it may be a password)', expected: 'a variable name such as POSTGRES_PASSWORD' };
    }
    const source = envCredential(name, env);
    if (source) return { ok: true, value: source };
    const what = isShowableReference(property, name, env) ? `${name} (nor ${name}_FILE)` : 'variable of that name (the value is not shown: it may be a password)';
    return {
      ok: false,
      message: `the container's environment has no ${what}`,
      expected: 'the name of a variable set on this container',
    };
  }
  const path = parseAbsolutePath(raw);
  if (path.ok) return { ok: true, value: { kind: 'file', path: path.value } };
  return isShowableReference(property, raw, env) ? path : { ...path, message: 'path must be absolute (the value is not shown: it may be a password)' };
}
