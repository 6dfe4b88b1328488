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

// Every rclone backend option that carries a credential: those rclone marks IsPassword or Sensitive (what
// `rclone config redacted` hides), across its backends — s3 and its clones, drive, gcs, azureblob/azurefiles,
// b2, swift, sftp/ftp/smb/webdav/http, storj, mega, crypt, protondrive, iclouddrive, sugarsync, filefabric and the
// oauth ones. Names are matched as rclone does, `-` and `_` alike.
export const RCLONE_CREDENTIAL_OPTIONS: ReadonlySet<string> = new Set([
  // passwords (IsPassword: obscured in the config)
  'pass', 'password', 'password2', 'key_file_pass', 'api_password', 'file_password', 'folder_password', 'library_key',
  'plex_password', 'mailbox_password', 'client_certificate_password', 'client_salted_key_pass', 'passphrase',
  // keys and secrets
  'key', 'key_pem', 'secret', 'secret_access_key', 'access_key_id', 'session_token', 'sse_customer_key',
  'sse_customer_key_base64', 'sse_customer_key_md5', 'client_secret', 'api_key', 'api_secret',
  'private_key', 'private_access_key', 'application_credential_secret', 'service_account_credentials',
  'access_grant', 'sas_url', 'connection_string',
  // tokens, headers and cookies (what an HTTP request is authorised with)
  'token', 'access_token', 'refresh_token', 'auth_token', 'bearer_token', 'app_token', 'permanent_token',
  'trust_token', 'client_access_token', 'client_refresh_token', 'authorization', 'headers', 'cookies', '2fa',
]);
// Names not in the list but shaped like a credential (a newer backend's option) are refused too; a path, URL or
// command that names where a credential is (`key_file`, `token_url`, `bearer_token_command`) is not one.
const CREDENTIAL_SHAPE = /(pass|secret|token|credential|cookie|^key$|_key$|key_pem|api_key|sas_url|header)/;
const NOT_A_CREDENTIAL = /(_file|_url|_command|_path|_id)$/;

/** Whether an rclone option (as written in a connection string) carries a credential. */
export function isCredentialOption(name: string): boolean {
  const n = name.trim().toLowerCase().replace(/-/g, '_');
  if (RCLONE_CREDENTIAL_OPTIONS.has(n)) return true;
  return CREDENTIAL_SHAPE.test(n) && !NOT_A_CREDENTIAL.test(n);
}

/** Parameter names of a connection string that carry credentials. */
export function credentialParams(remote: string): string[] {
  return (parseRemote(remote)?.params ?? []).filter(([k]) => isCredentialOption(k)).map(([k]) => k);
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
