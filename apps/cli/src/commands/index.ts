import type { Command } from './command.js';
import { backup } from './backup.js';
import { drill } from './drill.js';
import { healthcheck } from './healthcheck.js';
import { history } from './history.js';
import { jobs } from './jobs.js';
import { lint } from './lint.js';
import { ls } from './ls.js';
import { migrateRemote } from './migrate-remote.js';
import { plan } from './plan.js';
import { prune } from './prune.js';
import { restoreCommand } from './restore.js';
import { status } from './status.js';
import { suggest } from './suggest.js';
import { verify } from './verify.js';

export const commands: Record<string, Command> = { plan, lint, status, backup, jobs, history, healthcheck, ls, restore: restoreCommand, verify, prune, drill, 'migrate-remote': migrateRemote, suggest };
