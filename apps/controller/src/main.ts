// Placeholder entry until discovery lands: resolves where the controller would run and prints it.
import { resolve } from 'node:path';

const dataDir = resolve(process.env.BAQUP_DATA_DIR ?? '.baqup-data');
const resolved = {
  docker: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock',
  staging: { path: resolve(dataDir, 'staging'), cleanup_after_upload: true },
  upload: { backend: 'rclone', remote: resolve(dataDir, 'remote') },
};
console.log(JSON.stringify({ msg: 'baqup controller: resolved config (discovery not built yet)', config: resolved }, null, 2));
