import type { Command } from './command.js';
import { backup } from './backup.js';
import { healthcheck } from './healthcheck.js';
import { lint } from './lint.js';
import { ls } from './ls.js';
import { plan } from './plan.js';
import { prune } from './prune.js';
import { restoreCommand } from './restore.js';
import { verify } from './verify.js';

export const commands: Record<string, Command> = { plan, lint, backup, healthcheck, ls, restore: restoreCommand, verify, prune };
