import { CliUsageError } from '@baqup/core';

/** Thrown by a command when its arguments are wrong in a way the parser cannot see (exit code 2). */
export class UsageError extends CliUsageError {}
