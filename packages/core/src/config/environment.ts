// Every environment variable baqup reads, in one list: the config keys the environment may set (the file wins,
// then the environment, then the built-in default), and the variables the controller, the CLI and the image read
// directly. docs/config.md's "Environment" section is generated from this list, and a test fails on any
// environment read in the code (process.env, an env parameter) whose variable is not documented there.

type Tree = Record<string, unknown>;
const isObject = (v: unknown): v is Tree => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface EnvConfigKey {
  name: string;
  /** The config key it sets (dotted), when the file does not set it. */
  key: string;
  /** `list`: several values separated by whitespace (URLs may contain commas, e.g. ntfy `?tags=a,b`). */
  list?: boolean;
  /** Not used when one of these sibling keys is set in the file (or by an earlier variable of this list). */
  unlessSet?: string[];
  description: string;
}

export interface EnvVariable {
  name: string;
  /** Who reads it. */
  readBy: 'controller' | 'cli' | 'controller, cli' | 'image';
  description: string;
}

/** Config keys settable from the environment, in the order they are applied. */
export const ENV_CONFIG_KEYS: readonly EnvConfigKey[] = [
  { name: 'BAQUP_UPLOAD_BACKEND', key: 'upload.backend', description: '`rclone` or `restic`.' },
  { name: 'BAQUP_REMOTE', key: 'upload.remote', description: 'rclone destination or a local path.' },
  { name: 'RESTIC_REPOSITORY', key: 'upload.restic.repository', description: "restic's own variable: the repository." },
  { name: 'RESTIC_PASSWORD_FILE', key: 'upload.restic.password_file', unlessSet: ['password'], description: "restic's own variable: the file holding the repository password." },
  { name: 'BAQUP_RESTIC_MAINTENANCE', key: 'upload.restic.maintenance', description: '`false`: this instance leaves `restic prune` and `restic check` to the one instance that maintains a shared repository.' },
  { name: 'RESTIC_PASSWORD', key: 'upload.restic.password', unlessSet: ['password_file'], description: "restic's own variable: the password itself (ignored when a password file is set)." },
  { name: 'BAQUP_NOTIFY_ON_FAILURE', key: 'notifications.on_failure', list: true, description: 'Notification URLs, separated by spaces or newlines.' },
  { name: 'BAQUP_NOTIFY_ON_SUCCESS', key: 'notifications.on_success', list: true, description: 'Notification URLs, separated by spaces or newlines.' },
  { name: 'BAQUP_NOTIFY_WEBHOOK', key: 'notifications.webhook', description: 'The JSON webhook URL.' },
  { name: 'BAQUP_NOTIFY_CLICK_URL', key: 'notifications.click_url', description: 'The link attached to notifications.' },
  { name: 'BAQUP_API_LISTEN', key: 'api.listen', description: 'HOST:PORT of the API.' },
  { name: 'BAQUP_API_TOKEN', key: 'api.token', unlessSet: ['token_file'], description: 'The API bearer token (ignored when `api.token_file` is set). The CLI sends it too, before the config\'s.' },
  { name: 'BAQUP_DATA_DIR', key: 'data_dir', description: 'Root of every defaulted path (default `./.baqup-data`; the image: `/data`).' },
  { name: 'BAQUP_HOSTNAME', key: 'host', description: "This controller's name on the remote (`{remote}/{host}/…`) and its restic snapshots' `--host` (default: the Docker engine's host name; never the container's own, which changes on every recreate)." },
  { name: 'TZ', key: 'timezone', description: 'IANA zone for cron and the CLI\'s times (default UTC).' },
];

/** Variables read directly (not config keys). */
export const ENV_VARIABLES: readonly EnvVariable[] = [
  { name: 'BAQUP_CONFIG', readBy: 'controller, cli', description: 'The config file, when `--config` is not given.' },
  { name: 'DOCKER_HOST', readBy: 'controller, cli', description: 'The Docker engine: `unix://…`, `tcp://…` or `ssh://…` (default `/var/run/docker.sock`).' },
  { name: 'DOCKER_TLS_VERIFY', readBy: 'controller, cli', description: 'With a `tcp://` DOCKER_HOST: verify the engine\'s TLS certificate (`1`).' },
  { name: 'DOCKER_CERT_PATH', readBy: 'controller, cli', description: 'Directory with `ca.pem`, `cert.pem`, `key.pem` for TLS (default `~/.docker`).' },
  { name: 'SSH_AUTH_SOCK', readBy: 'controller, cli', description: 'The SSH agent for an `ssh://` DOCKER_HOST.' },
  { name: 'LOG_LEVEL', readBy: 'controller', description: 'Overrides `logging.level` (`debug`, `info`, `warn`, `error`).' },
  { name: 'BAQUP_API_URL', readBy: 'cli', description: 'The controller\'s API base URL (default from `api.listen`), e.g. `http://127.0.0.1:8080`.' },
  { name: 'BAQUP_STALE_CHECK_MS', readBy: 'controller', description: 'Milliseconds between staleness checks (default 30000). For tests and impatient operators.' },
  { name: 'BAQUP_SPACE_CHECK_MS', readBy: 'controller', description: 'Milliseconds between free-space checks while jobs are halted by a full staging disk (default 30000).' },
  { name: 'BAQUP_GROUP_START_TIMEOUT_MS', readBy: 'controller', description: 'How long each member of a backup group may take to be running (and healthy) after the group\'s start, before the run is reported as not one set (default 120000).' },
  { name: 'BAQUP_SHUTDOWN_GRACE_MS', readBy: 'controller', description: 'How long SIGTERM waits for running jobs before aborting them (default 60000).' },
  { name: 'BAQUP_SHUTDOWN_HOLD_GRACE_MS', readBy: 'controller', description: 'How long SIGTERM waits for a job that holds a stopped container before aborting it and starting the container (default 5000: within Docker\'s 10 s stop timeout).' },
  { name: 'NO_COLOR', readBy: 'cli', description: 'Set and not empty: no colour in the CLI\'s progress bar (https://no-color.org).' },
  { name: 'TERM', readBy: 'cli', description: '`dumb`: no colour.' },
  { name: 'PATH', readBy: 'controller, cli', description: 'Where rclone, restic and zstd are found.' },
  { name: 'RCLONE_CONFIG', readBy: 'image', description: "rclone's own variable: its config file (the image sets `/config/rclone.conf`)." },
  { name: 'HOME', readBy: 'image', description: 'The image sets `/data/home` (the root filesystem may be read-only); the entrypoint creates it.' },
  { name: 'XDG_CACHE_HOME', readBy: 'image', description: "restic's cache lives here; the image sets `/data/cache`." },
  { name: 'TMPDIR', readBy: 'image', description: 'Temporary files; the image sets `/data/tmp`.' },
  { name: 'MALLOC_ARENA_MAX', readBy: 'image', description: "glibc's own variable: the entrypoint sets `2` unless given (7 MiB less memory for an idle controller, bench/README.md)." },
];

const get = (tree: Tree, path: string[]): unknown => path.reduce<unknown>((node, k) => (isObject(node) ? node[k] : undefined), tree);

/**
 * Fills the config keys the file leaves unset from the environment (file > environment > default). Returns the
 * variable each filled key came from (`/upload/remote` → `BAQUP_REMOTE`), so problems can name it.
 */
export function applyEnvConfig(tree: Tree, env: Readonly<Record<string, string | undefined>>): Map<string, string> {
  const from = new Map<string, string>();
  for (const v of ENV_CONFIG_KEYS) {
    if (v.name === 'BAQUP_DATA_DIR' || v.name === 'TZ') continue; // applied with the other path defaults
    const raw = env[v.name];
    if (raw === undefined || raw.trim() === '') continue;
    const path = v.key.split('.');
    const parentPath = path.slice(0, -1);
    let parent: Tree = tree;
    let ok = true;
    for (const k of parentPath) {
      if (parent[k] == null) parent[k] = {};
      const next = parent[k];
      if (!isObject(next)) {
        ok = false; // the file has something else there; its schema problem says so
        break;
      }
      parent = next;
    }
    const leaf = path[path.length - 1]!;
    if (!ok || parent[leaf] !== undefined) continue;
    if (v.unlessSet?.some((k) => get(tree, [...parentPath, k]) !== undefined)) continue;
    parent[leaf] = v.list ? raw.split(/\s+/).filter((s) => s !== '') : raw.trim();
    from.set(`/${path.join('/')}`, v.name);
  }
  return from;
}
