import type { Command } from './command.js';
import { backup } from './backup.js';
import { healthcheck } from './healthcheck.js';
import { lint } from './lint.js';
import { plan } from './plan.js';

export const commands: Record<string, Command> = { plan, lint, backup, healthcheck };
