// Backup groups (`backup.stop=stack`, `backup.group=<name>`): members stopped and started together, in order.
import { defineError } from './base.js';

export class GroupOrderError extends defineError('GroupOrderError', {
  code: 'BAQUP_GROUP_ORDER',
  retryable: false,
  when: "a backup group's members cannot be ordered: their depends_on form a cycle (the message names the services) or two members claim one service name; the group is not stopped.",
}) {}

export class GroupStartError extends defineError('GroupStartError', {
  code: 'BAQUP_GROUP_START',
  retryable: true,
  when: 'a group member baqup stopped did not come back (running, and healthy where it has a healthcheck) within the start timeout; the members after it are still started, and it is retried like any failed start.',
}) {}

export class GroupManifestError extends defineError('GroupManifestError', {
  code: 'BAQUP_GROUP_MANIFEST',
  retryable: false,
  when: 'a group manifest cannot be read (not JSON, another version, a member without a backup) or names no backup that exists; a group restore refuses it before touching anything.',
}) {}

export class GroupIncompleteError extends defineError('GroupIncompleteError', {
  code: 'BAQUP_GROUP_INCOMPLETE',
  retryable: true,
  when: "a backup group's run is no set: a member's backup failed or a member did not come back (the message names them); its successful backups stay ordinary backups and no group manifest is written.",
}) {}
