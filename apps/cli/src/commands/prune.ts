// `baqup prune [container] [target]`: retention now, as the controller applies it after each backup — staging and
// the rclone remote, or staging and this host's restic snapshots per target × schedule (each trigger its own group) — and a list of what went (or, with
// --dry-run, would go). Each target's policy comes from its schedule as the labels Docker has now say it; backups of
// a container Docker no longer has are left alone (no labels, no policy to judge them by).
import { errorCode, errorMessage, LabelInvalidError, triggerRetentionOf, matchesTarget, targetName, type ContainerBackupConfig } from '@baqup/core';
import { deriveFromLabels, discoverOnce, dockerDiscoverySource } from '@baqup/discovery';
import { pruneSide, pruneTarget, type PruneTargetOptions } from '@baqup/prune';
import { resticRetentionSide } from '@baqup/upload';
import { cliContext, type CliContext } from '../restore/cli-context.js';
import { printJson } from '../output/json.js';
import { bool, str, type Command } from './command.js';
import { configOption, jsonOption } from './config-option.js';
import { renderPrune, sideReport, type TargetReport } from './prune-report.js';

/** The labelled containers, derived as discovery derives them; stopped ones too: their labels still say how long their backups are kept. */
async function labelled(ctx: CliContext, name: string | undefined): Promise<ContainerBackupConfig[]> {
  const { desired, failures } = await discoverOnce(dockerDiscoverySource(ctx.docker(), { includeStopped: true }), { derive: deriveFromLabels(ctx.defaults), includeStopped: true });
  for (const f of failures) ctx.logger.warn(`${f.name ?? f.id}: ${f.message}; its backups are left alone`);
  return [...desired.values()].filter((c) => !name || c.containerName === name);
}

async function pruneOne(ctx: CliContext, c: ContainerBackupConfig, t: ContainerBackupConfig['targets'][number], dryRun: boolean): Promise<TargetReport> {
  const target = targetName(t);
  const schedule = c.schedules[t.schedule];
  const triggerPolicies = triggerRetentionOf(ctx.config);
  const report: TargetReport = { container: c.containerName, target, schedule: t.schedule, policy: schedule?.retention ?? {}, trigger_policies: triggerPolicies, sides: [] };
  if (!schedule) {
    report.sides.push({ side: 'staging', listed: 0, kept: 0, keep: [], deleted: [], error: { code: LabelInvalidError.code, message: `schedule "${t.schedule}" is not defined` } });
    return report;
  }
  const { sources } = ctx;
  const pruneOptions: PruneTargetOptions = {
    stagingRoot: sources.stagingRoot,
    ...(sources.rclone ? { remote: sources.rclone.ops } : {}),
    container: c.containerName, type: t.type, instance: t.instance, schedule: schedule.name, policy: schedule.retention,
    triggerRetention: triggerPolicies, dryRun, logger: ctx.logger, timeZone: ctx.config.timezone,
  };
  const sides = await pruneTarget(pruneOptions);
  for (const s of sides) report.sides.push(sideReport(s));
  if (sources.restic) {
    // The controller's own retention of restic snapshots: this host's, grouped by trigger, by prune's arithmetic.
    const side = resticRetentionSide(sources.restic, { container: c.containerName, type: t.type, instance: t.instance });
    const r = await pruneSide(pruneOptions, 'remote', side);
    const finished = dryRun || r.error ? undefined : await side.finish().then(() => undefined, (err: unknown) => ({ code: errorCode(err), message: errorMessage(err) }));
    const short = (id: string) => id.slice(0, 8);
    const shown = sideReport(r);
    report.sides.push({ ...shown, side: 'restic', keep: shown.keep.map((k) => ({ ...k, path: short(k.path) })), deleted: shown.deleted.map(short), ...(finished ? { error: finished } : {}) });
  }
  return report;
}

export const prune: Command = {
  summary: 'apply retention now to staging and the remote (or restic), listing what was or would be deleted',
  arguments: [
    { name: '[container]', description: 'only this container\'s backups' },
    { name: '[target]', description: 'only this target (postgres-main, or main)' },
  ],
  options: [{ flags: '--dry-run', description: 'list what would be deleted; delete nothing', default: false }, configOption, jsonOption],
  details: [
    'Each target\'s policy comes from its schedule as the labels Docker has now say it (stopped containers included).',
    'Manual backups and restore safety copies are groups of their own, judged by config retention.manual and retention.safety; they never take a scheduled slot.',
    'Output: per target, per side (staging, remote, restic): found, kept, deleted (or would delete) and each file deleted; with --dry-run also why each kept backup is kept ("daily 3/7, weekly 2/4", "manual (last 2/5)").',
    '--json: { dry_run, targets: [{ container, target, schedule, policy, trigger_policies, sides: [{ side, listed, kept, keep: [{ path, group, why }], deleted, error }] }] }.',
    'Exit codes: 0 done, 1 a side failed, 2 usage error (an unknown container or target).',
  ].join('\n'),
  examples: ['--dry-run', 'gitea-db', 'gitea-db postgres-main --json'],
  async run({ args: [container, target], opts }) {
    const values = { config: str(opts, 'config'), 'dry-run': bool(opts, 'dryRun'), json: bool(opts, 'json') };
    const dryRun = values['dry-run'];
    const ctx = await cliContext(values.config);
    const containers = (await labelled(ctx, container)).filter((c) => c.enabled && (!container || c.containerName === container));
    if (container && containers.length === 0) {
      console.error(`baqup prune: no container named "${container}" carries backup.enabled (see \`baqup plan\`)`);
      return 2;
    }
    const reports: TargetReport[] = [];
    for (const c of containers) {
      const targets = c.targets.filter((t) => !target || matchesTarget(t, target));
      if (target && targets.length === 0) {
        console.error(`baqup prune: ${c.containerName} has no target "${target}" (targets: ${c.targets.map((t) => targetName(t)).join(', ') || 'none'})`);
        return 2;
      }
      for (const t of targets) reports.push(await pruneOne(ctx, c, t, dryRun));
    }
    if (values.json) printJson({ dry_run: dryRun, targets: reports });
    else console.log(reports.length === 0 ? 'no labelled targets' : renderPrune(reports, dryRun));
    return reports.some((r) => r.sides.some((s) => s.error)) ? 1 : 0;
  },
};
