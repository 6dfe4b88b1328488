import { createHash } from 'node:crypto';
import type { ContainerBackupConfig } from '@baqup/core';
import { Secret } from '@baqup/core';

/** A stable digest of a config, secrets included (hashed), so a changed password counts as a change. */
export function configFingerprint(config: ContainerBackupConfig): string {
  const json = JSON.stringify(config, function (this: unknown, _key, value: unknown) {
    const raw = (this as Record<string, unknown>)[_key];
    if (raw instanceof Secret) return `secret:${createHash('sha256').update(raw.reveal()).digest('hex')}`;
    return value;
  });
  return createHash('sha256').update(json).digest('hex');
}
