// A restic repository holds no baqup manifest file: the manifest rides on the snapshot as one tag,
// `manifest:<base64url(deflate(json))>` (base64url has no comma, restic's tag separator). Without it a drill of a
// restic snapshot would have nothing to check against once the staged copy is cleaned up. A manifest too large for
// one argv string (MAX_ARG_STRLEN is 128 KiB) is tagged without its drill row counts, with a note saying so.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { BackupManifest } from '@baqup/core';
import { parseManifest } from '@baqup/stage';

export const MANIFEST_TAG_PREFIX = 'manifest:';
const MAX_TAG = 100 * 1024;

const encode = (m: BackupManifest) => MANIFEST_TAG_PREFIX + deflateRawSync(Buffer.from(JSON.stringify(m))).toString('base64url');

export function manifestTag(manifest: BackupManifest): string {
  const tag = encode(manifest);
  if (tag.length <= MAX_TAG) return tag;
  const notes = [...(manifest.checks?.notes ?? []), 'row counts not kept in the restic snapshot: too many tables for one tag'];
  return encode({ ...manifest, checks: { ...(manifest.checks?.files ? { files: manifest.checks.files } : {}), notes } });
}

/** The manifest a snapshot's tags carry, or undefined (older snapshots, a damaged tag). */
export function manifestFromTags(tags: readonly string[]): BackupManifest | undefined {
  const tag = tags.find((t) => t.startsWith(MANIFEST_TAG_PREFIX));
  if (!tag) return undefined;
  try {
    // stage's one reader: the same version check as a manifest file.
    return parseManifest(inflateRawSync(Buffer.from(tag.slice(MANIFEST_TAG_PREFIX.length), 'base64url')).toString('utf8'));
  } catch {
    return undefined;
  }
}
