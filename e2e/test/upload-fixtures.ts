// Fixtures for the upload/prune e2e tests: staged backups in the stage layout, a real `rclone serve sftp`
// on 127.0.0.1, and a logger that keeps every line so tests can assert on events and on what never appears.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { basename, dirname, join } from 'node:path';
import type { BackupManifest, LogFields, Logger } from '@baqup/core';
import { Secret } from '@baqup/core';

export interface StageSpec {
  container: string;
  type?: 'postgres' | 'fs' | 'sqlite';
  instance?: string;
  schedule?: string;
  /** Compact UTC timestamp, `20240115T030000Z`. */
  timestamp: string;
  ext?: string;
  content: Buffer | string;
}

/** Writes a staged backup as @baqup/stage lays it out: data file, `.sha256` (sha256sum format), `.manifest.json`. */
export async function writeStaged(root: string, s: StageSpec): Promise<{ file: string; relativePath: string; sha256: string }> {
  const type = s.type ?? 'postgres';
  const instance = s.instance ?? 'main';
  const ext = s.ext ?? 'sql.gz';
  const relativePath = `${s.container}/${type}-${instance}/${s.timestamp}.${ext}`;
  const file = join(root, relativePath);
  await mkdir(dirname(file), { recursive: true });
  const data = typeof s.content === 'string' ? Buffer.from(s.content) : s.content;
  const sha256 = createHash('sha256').update(data).digest('hex');
  await writeFile(file, data);
  await writeFile(`${file}.sha256`, `${sha256}  ${basename(file)}\n`);
  const manifest: BackupManifest = {
    version: 1, container: s.container, containerId: 'c0ffee', image: 'postgres:16', type, instance,
    schedule: s.schedule ?? 'daily', timestamp: s.timestamp, file: basename(file), compression: 'gzip',
    size: data.length, sha256, toolVersions: {}, durations: { dumpMs: 1, totalMs: 2 },
  };
  await writeFile(`${file}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  return { file, relativePath, sha256 };
}

export async function sha256Of(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** `20240101T000000Z` + n hours. */
export function stamp(n: number, base = Date.UTC(2024, 0, 1)): string {
  return new Date(base + n * 3_600_000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export interface CapturedLine extends LogFields {
  level: string;
  msg: string;
}

export function captureLogger(): Logger & { lines: CapturedLine[]; text(): string } {
  const lines: CapturedLine[] = [];
  const at = (level: string) => (msg: string, fields: LogFields = {}) => void lines.push({ ...fields, level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), text: () => JSON.stringify(lines) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitListening(port: number, child: ChildProcess): Promise<void> {
  // A deadline, not a count of tries: on a loaded host rclone may take seconds to start listening.
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if (child.exitCode !== null) throw new Error(`rclone serve exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`rclone serve did not listen on ${port} within 60 s`);
}

/** A real SFTP server (`rclone serve sftp`) over `dir`, user/pass on its own argv (test server only). */
export class SftpServer {
  #child: ChildProcess | undefined;
  readonly user = 'baqup';
  readonly password = `pw-${Math.random().toString(36).slice(2)}`;
  constructor(readonly dir: string, readonly port: number) {}

  static async start(dir: string): Promise<SftpServer> {
    const s = new SftpServer(dir, await freePort());
    await s.start();
    return s;
  }

  async start(): Promise<void> {
    const child = spawn('rclone', ['serve', 'sftp', this.dir, '--addr', `127.0.0.1:${this.port}`, '--user', this.user, '--pass', this.password], {
      stdio: 'ignore',
    });
    this.#child = child;
    await waitListening(this.port, child);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    this.#child = undefined;
  }

  /** The client side: a named remote configured only through env, the password obscured and a Secret. */
  clientEnv(name = 'TESTSFTP'): Record<string, string | Secret> {
    const obscured = spawnSync('rclone', ['obscure', this.password], { encoding: 'utf8' }).stdout.trim();
    return {
      [`RCLONE_CONFIG_${name}_TYPE`]: 'sftp',
      [`RCLONE_CONFIG_${name}_HOST`]: '127.0.0.1',
      [`RCLONE_CONFIG_${name}_PORT`]: String(this.port),
      [`RCLONE_CONFIG_${name}_USER`]: this.user,
      [`RCLONE_CONFIG_${name}_PASS`]: new Secret(obscured),
      // Short timeouts so "server down" fails fast instead of retrying for minutes.
      RCLONE_CONTIMEOUT: '3s',
    };
  }
}
