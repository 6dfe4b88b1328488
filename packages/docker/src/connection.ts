// Where the engine is. We parse DOCKER_HOST ourselves (instead of letting docker-modem read the environment)
// so the same parse gives both the dockerode options and the address we print in every message.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ConnectionOptions {
  socketPath?: string;
  protocol?: 'http' | 'https' | 'ssh';
  host?: string;
  port?: number;
  username?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  sshOptions?: { agent?: string };
}

export interface Connection {
  /** Human-readable engine address for logs and errors, e.g. `unix:///var/run/docker.sock`. */
  address: string;
  options: ConnectionOptions;
}

export const DEFAULT_SOCKET = '/var/run/docker.sock';

type Env = Record<string, string | undefined>;

function tlsEnabled(env: Env): boolean {
  const v = env.DOCKER_TLS_VERIFY;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/**
 * Resolve the connection from `DOCKER_HOST` (unix://, tcp:// with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, ssh://),
 * falling back to the local socket. `readFile` is injectable so the parse stays testable without cert files.
 */
export function resolveConnection(
  env: Env = process.env,
  readFile: (path: string) => Buffer = (p) => readFileSync(p),
): Connection {
  const raw = env.DOCKER_HOST?.trim();
  if (!raw) return { address: `unix://${DEFAULT_SOCKET}`, options: { socketPath: DEFAULT_SOCKET } };
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length) || DEFAULT_SOCKET;
    return { address: `unix://${socketPath}`, options: { socketPath } };
  }
  if (raw.startsWith('/')) return { address: `unix://${raw}`, options: { socketPath: raw } };
  const url = new URL(raw.includes('://') ? raw : `tcp://${raw}`);
  if (url.protocol === 'ssh:') {
    const port = url.port ? Number(url.port) : 22;
    const options: ConnectionOptions = { protocol: 'ssh', host: url.hostname, port, sshOptions: {} };
    if (url.username) options.username = decodeURIComponent(url.username);
    if (env.SSH_AUTH_SOCK) options.sshOptions = { agent: env.SSH_AUTH_SOCK };
    // Never echo a password from the URL into the address.
    const user = url.username ? `${url.username}@` : '';
    return { address: `ssh://${user}${url.hostname}:${port}`, options };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`DOCKER_HOST scheme ${url.protocol} is not supported (use unix://, tcp:// or ssh://)`);
  }
  const tls = tlsEnabled(env) || url.protocol === 'https:';
  const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
  const options: ConnectionOptions = { protocol: tls ? 'https' : 'http', host: url.hostname, port };
  if (tls) {
    const dir = env.DOCKER_CERT_PATH || join(homedir(), '.docker');
    options.ca = readFile(join(dir, 'ca.pem'));
    options.cert = readFile(join(dir, 'cert.pem'));
    options.key = readFile(join(dir, 'key.pem'));
  }
  return { address: `tcp://${url.hostname}:${port}`, options };
}
