// The two data sets of bench/throughput.mjs (and restore.mjs), generated INSIDE containers through exec so no
// byte crosses the network: a PostgreSQL database grown batch by batch to a target pg_database_size, and a
// filesystem tree of seeded text files plus incompressible /dev/urandom files. Data dirs are bind mounts under
// the bench's work dir, so deleting that dir frees everything. Both are reused when already complete (--keep).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, remove, run, until } from './docker.mjs';
import { sh } from './shell.mjs';

const WORDS =
  'order invoice customer shipment payment refund account address street city country postal phone email delivery warehouse ' +
  'product item quantity price discount coupon total subtotal tax currency euro dollar pending paid shipped returned cancelled ' +
  'priority express standard tracking carrier parcel label note gift wrap message thanks please call before arrival leave door ' +
  'neighbour signature required fragile handle care monday tuesday wednesday thursday friday saturday sunday morning evening ' +
  'support ticket issue resolved reopened damaged missing replacement warranty serial model colour size small medium large blue ' +
  'green red black white';

/** One batch of seeded rows (setseed per batch, so a run is reproducible): numbers, dates, enums, e-mails, free text, hashes. */
function batchSql(lo, hi) {
  const w = (i) => `w.a[1 + floor(random() * array_length(w.a, 1))::int]`;
  const sentence = (n) => Array.from({ length: n }, (_, i) => w(i)).join(` || ' ' || `);
  return `SELECT setseed(${((lo % 9973) / 9973).toFixed(6)});
WITH w AS (SELECT string_to_array('${WORDS}', ' ') AS a)
INSERT INTO orders
SELECT g,
  timestamptz '2024-01-01 00:00:00+00' + g * interval '2 seconds' + floor(random() * 2000) * interval '1 ms',
  floor(random() * 250000)::int,
  (ARRAY['pending','paid','shipped','delivered','returned','cancelled'])[1 + floor(random() * 6)::int],
  round((random() * random() * 2500)::numeric, 2),
  ${w(0)} || '.' || floor(random() * 250000)::int || '@' || (ARRAY['example.com','mail.test','shop.invalid'])[1 + floor(random() * 3)::int],
  CASE WHEN random() < 0.25 THEN NULL ELSE ${sentence(6)} END,
  CASE WHEN random() < 0.5 THEN md5(random()::text) ELSE NULL END,
  floor(random() * 40)::smallint
FROM generate_series(${lo}, ${hi}) g, w;`;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS orders (
  id bigint PRIMARY KEY, created_at timestamptz NOT NULL, customer_id integer NOT NULL, status text NOT NULL,
  amount numeric(12,2) NOT NULL, email text NOT NULL, note text, token text, quantity smallint NOT NULL);`;

/** Starts (or reuses) the postgres container and grows database `shop` to ≥ `targetMb` MB. Returns its size in bytes. */
export async function postgresDataset({ name, image, dir, password, labels, targetMb, log }) {
  const running = (await sh(['docker', 'ps', '-q', '--filter', `name=^${name}$`]).catch(() => '')).trim();
  if (!running) {
    await remove(name);
    mkdirSync(dir, { recursive: true });
    // fsync off only speeds up loading the data; the dump reads, and reads do not fsync.
    await run({ name, image, labels, env: { POSTGRES_PASSWORD: password }, binds: [`${dir}:/var/lib/postgresql/data`], cmd: ['postgres', '-c', 'fsync=off', '-c', 'max_wal_size=4GB', '-c', 'shared_buffers=128MB'] });
  }
  const psql = (sql, db = 'shop', quiet = false) =>
    exec(name, ['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-U', 'postgres', '-d', db], { env: { PGPASSWORD: password }, input: sql, quiet });
  await until(async () => (await psql('SELECT 1', 'postgres', true)).trim() === '1', 120_000, 'postgres to accept TCP connections');
  if (!(await psql("SELECT 1 FROM pg_database WHERE datname = 'shop'", 'postgres')).trim()) await psql('CREATE DATABASE shop', 'postgres');
  await psql(SCHEMA);
  const size = async () => Number((await psql("SELECT pg_database_size('shop')")).trim());
  const BATCH = 500_000;
  let next = Number((await psql('SELECT coalesce(max(id), 0) FROM orders')).trim()) + 1;
  let bytes = await size();
  if (bytes < targetMb * 1e6) log(`postgres: growing database shop from ${(bytes / 1e6).toFixed(0)} MB to ${targetMb} MB (batches of ${BATCH} rows)`);
  while (bytes < targetMb * 1e6) {
    await psql(batchSql(next, next + BATCH - 1));
    next += BATCH;
    bytes = await size();
    log(`  ${next - 1} rows, ${(bytes / 1e6).toFixed(0)} MB`);
  }
  // Sets hint bits and the visibility map now, so no measured dump pays for the first scan after a bulk load.
  await psql('VACUUM (FREEZE, ANALYZE) orders; CHECKPOINT;');
  return { bytes, rows: next - 1 };
}

const TEXT_AWK = String.raw`BEGIN {
  srand(seed); n = split(words, w, " "); split("INFO INFO INFO INFO DEBUG DEBUG WARN ERROR", lv, " ");
  for (f = 0; f < files; f++) {
    out = sprintf("%s/%s-%04d.%s", dir, prefix, f, ext); b = 0; t = 1704067200 + f * 86400;
    while (b < size) {
      t += int(rand() * 3);
      line = sprintf("2024-01-%02d %02d:%02d:%02d.%03d %-5s [worker-%d] %s %s %s id=%d user=%s%d took=%.1fms %s\n",
        1 + int(f % 28), int(t / 3600) % 24, int(t / 60) % 60, t % 60, int(rand() * 1000), lv[1 + int(rand() * 8)],
        int(rand() * 16), w[1 + int(rand() * n)], w[1 + int(rand() * n)], w[1 + int(rand() * n)], int(rand() * 100000000),
        w[1 + int(rand() * n)], int(rand() * 5000), rand() * 900, (rand() < 0.3 ? sprintf("%08x%08x", rand() * 4294967295, rand() * 4294967295) : ""));
      printf "%s", line > out; b += length(line);
    }
    close(out);
  }
}`;

/**
 * Starts (or reuses) a container with `dir` at /data and fills it: half text (big log files and 2000 small
 * files, seeded awk), half incompressible (64 MiB files from /dev/urandom). Returns the bytes on disk.
 */
export async function filesDataset({ name, image, dir, labels, targetMb, log }) {
  const running = (await sh(['docker', 'ps', '-q', '--filter', `name=^${name}$`]).catch(() => '')).trim();
  if (!running) {
    await remove(name);
    mkdirSync(dir, { recursive: true });
    await run({ name, image, labels, binds: [`${dir}:/data`], cmd: ['sh', '-c', "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"] });
  }
  const marker = join(dir, '.complete');
  if (!existsSync(marker) || readFileSync(marker, 'utf8').trim() !== String(targetMb)) {
    log(`fs: generating ${targetMb} MB under ${dir} (half seeded text, half /dev/urandom)`);
    const half = Math.round((targetMb * 1e6) / 2);
    const small = 2000 * 8192;
    const bigText = 16 * 1024 * 1024;
    const textFiles = Math.max(1, Math.round((half - small) / bigText));
    const binFiles = Math.max(1, Math.round(half / (64 * 1024 * 1024)));
    const script = [
      'set -e; rm -rf /data/text /data/small /data/bin /data/.complete; mkdir -p /data/text /data/small /data/bin',
      `awk -v seed=20240115 -v files=${textFiles} -v size=${bigText} -v dir=/data/text -v prefix=app -v ext=log -v words="$WORDS" '${TEXT_AWK}'`,
      `awk -v seed=7 -v files=2000 -v size=8192 -v dir=/data/small -v prefix=note -v ext=txt -v words="$WORDS" '${TEXT_AWK}'`,
      `i=0; while [ $i -lt ${binFiles} ]; do head -c 64M /dev/urandom > /data/bin/blob-$i.bin; i=$((i+1)); done`,
    ].join('\n');
    await exec(name, ['sh', '-c', script], { env: { WORDS } });
    await exec(name, ['sh', '-c', `echo ${targetMb} > /data/.complete`]);
  }
  return { bytes: Number((await exec(name, ['du', '-sb', '/data'])).split('\t')[0]) };
}
