#!/usr/bin/env node
// Installs the host tools baqup and its tests call (rclone, restic, zstd, sqlite3; docker.io and debootstrap
// for the e2e harness; chromium for the dashboard's browser test, which playwright-core drives, since no browser
// build can be downloaded) from Debian's packages when they are missing. Idempotent; needs root only when something
// is missing. Usage: ensure-tools.mjs [--e2e] [--monitoring]
// --monitoring (implied by --e2e): promtool and prometheus, from Debian's `prometheus` package, for the tests of
// deploy/prometheus/alerts.yml and deploy/grafana/baqup.json.
import { execFileSync, spawnSync } from 'node:child_process';

const wanted = { rclone: 'rclone', restic: 'restic', zstd: 'zstd', sqlite3: 'sqlite3' };
if (process.argv.includes('--e2e')) Object.assign(wanted, { dockerd: 'docker.io', debootstrap: 'debootstrap', chromium: 'chromium' });
if (process.argv.includes('--e2e') || process.argv.includes('--monitoring')) Object.assign(wanted, { promtool: 'prometheus' });
if (process.argv.includes('--monitoring') && !process.argv.includes('--e2e')) for (const k of ['rclone', 'restic', 'zstd', 'sqlite3']) delete wanted[k];

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const missing = Object.entries(wanted).filter(([bin]) => !has(bin)).map(([, pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const isRoot = process.getuid?.() === 0;
const hasApt = has('apt-get');
if (!isRoot || !hasApt) {
  console.error(
    `baqup: missing host packages: ${missing.join(', ')}. ` +
      (hasApt ? 'Run as root, or install them with: apt-get install ' + missing.join(' ') : 'Install them with your package manager.'),
  );
  process.exit(1);
}
console.log(`baqup: installing Debian packages: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
