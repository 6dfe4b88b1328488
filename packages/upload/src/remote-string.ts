// rclone remote strings: `name:path`, or connection strings `:sftp,host=h,user=u:path` / `name,opt=v:path`.
// Parameters may carry credentials; they must never reach a log line, an error, or (for secrets) rclone's argv.

export interface ParsedRemote {
  /** `name` or `:backend`. */
  backend: string;
  params: Array<[string, string]>;
  path: string;
}

/** Splits a remote string, honouring quoted parameter values (`pass="a:b"`); null for a plain local path. */
export function parseRemote(remote: string): ParsedRemote | null {
  let i = remote.startsWith(':') ? 1 : 0;
  while (i < remote.length && /[\w.\- ]/.test(remote[i] as string)) i++;
  const backend = remote.slice(0, i);
  if (backend === '' || backend === ':') return null;
  const params: Array<[string, string]> = [];
  while (remote[i] === ',') {
    i++;
    let key = '';
    while (i < remote.length && remote[i] !== '=' && remote[i] !== ',' && remote[i] !== ':') key += remote[i++];
    let value = '';
    if (remote[i] === '=') {
      i++;
      const quote = remote[i] === '"' || remote[i] === "'" ? remote[i++] : undefined;
      while (i < remote.length && (quote ? remote[i] !== quote : remote[i] !== ',' && remote[i] !== ':')) value += remote[i++];
      if (quote) i++;
    }
    params.push([key, value]);
  }
  if (remote[i] !== ':') return null;
  return { backend, params, path: remote.slice(i + 1) };
}

// key_file is a path (fine in argv); key_pem, pass, *_key and tokens are the credential itself.
const CREDENTIAL_KEY = /(pass|secret|token|^key$|_key$|key_pem|sas_url)/i;

/** Parameter names of a connection string that look like credentials. */
export function credentialParams(remote: string): string[] {
  return (parseRemote(remote)?.params ?? []).filter(([k]) => CREDENTIAL_KEY.test(k)).map(([k]) => k);
}

/** The remote as it may appear in logs and errors: parameters dropped, `:sftp:backups`. */
export function displayRemote(remote: string): string {
  const p = parseRemote(remote);
  return p === null ? remote : `${p.backend}:${p.path}`;
}

/** Values to scrub from any rclone output: the raw remote string and every parameter value. */
export function remoteSecrets(remote: string): string[] {
  const p = parseRemote(remote);
  if (p === null || p.params.length === 0) return [];
  const prefix = remote.slice(0, remote.length - p.path.length);
  return [prefix, ...p.params.map(([, v]) => v).filter((v) => v.length >= 3)];
}

/** `remote` joined with a relative path, without doubling or dropping the separator. */
export function joinRemote(remote: string, relativePath: string): string {
  const rel = relativePath.replace(/^\/+/, '');
  if (rel === '') return remote;
  return remote.endsWith(':') || remote.endsWith('/') ? `${remote}${rel}` : `${remote}/${rel}`;
}
