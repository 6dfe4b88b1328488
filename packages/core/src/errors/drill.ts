// Drills: a backup restored into a throwaway container and checked against what its manifest recorded.
import { defineError } from './base.js';

export class DrillFailedError extends defineError('DrillFailedError', {
  code: 'BAQUP_DRILL_FAILED',
  retryable: false,
  when: 'a drill restored a backup but what it holds differs from its manifest (a database, table, key count or file count is missing or wrong).',
}) {}

export class DrillNoManifestError extends defineError('DrillNoManifestError', {
  code: 'BAQUP_DRILL_NO_MANIFEST',
  retryable: false,
  when: 'a drill finds no manifest for the backup it loads (deleted, never uploaded, unreadable), so there is nothing to check it against.',
}) {}

export class DrillContainerError extends defineError('DrillContainerError', {
  code: 'BAQUP_DRILL_CONTAINER',
  retryable: true,
  when: 'the throwaway container of a drill cannot be created, started or made ready (image gone, engine not answering in time).',
}) {}

export class DrillBusyError extends defineError('DrillBusyError', {
  code: 'BAQUP_DRILL_BUSY',
  retryable: true,
  when: 'a drill is asked for while another drill runs (one at a time), or while the target has a backup running.',
}) {}

export class DrillDisabledError extends defineError('DrillDisabledError', {
  code: 'BAQUP_DRILL_DISABLED',
  retryable: false,
  when: 'a drill is asked for a target whose label `backup.<type>.<instance>.drill=false` opts it out.',
}) {}
