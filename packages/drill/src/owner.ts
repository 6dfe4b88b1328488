// The id a controller marks its drill containers with: one per host and data directory, so controllers sharing
// an engine never sweep each other's drills.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

export function drillOwner(dataDir: string, host: string = process.env.BAQUP_HOSTNAME ?? hostname()): string {
  return createHash('sha256').update(`${host}\0${resolve(dataDir)}`).digest('hex').slice(0, 16);
}
