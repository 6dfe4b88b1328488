import { describe, expect, it } from 'vitest';
import { cli } from './__fixtures__/capture.js';
import { commands } from './commands/index.js';

describe('the baqup grammar', () => {
  it('--version prints the package version and exits 0', async () => {
    const r = await cli('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('no command: the overview on stderr, exit 2', async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Commands:');
    for (const name of Object.keys(commands)) expect(r.stderr).toContain(name);
  });

  it.each([
    ['an unknown command, with did-you-mean', ['pln'], /unknown command 'pln'[\s\S]*Did you mean plan\?/],
    ['an unknown option, with did-you-mean', ['plan', '--jsn'], /unknown option '--jsn'[\s\S]*Did you mean --json\?/],
    ['a missing argument', ['backup'], /missing required argument 'container'/],
    ['a second missing argument', ['restore', 'db'], /missing required argument 'target'/],
    ['restore without a container or --group', ['restore'], /missing required argument 'container'.*or --group <name>/],
    ['restore --group with a container', ['restore', 'db', '--group', 'shop'], /--group restores the members of the group set; give no <container>/],
    ['too many arguments', ['plan', 'extra'], /too many arguments/],
    ['an option without its value', ['healthcheck', '--timeout'], /option '--timeout <seconds>' argument missing/],
    ['a value outside the choices', ['restore', 'db', 'main', '--from', 'elsewhere', '--yes'], /Allowed choices are staging, remote/],
    ['lint with nothing to check', ['lint'], /give --compose FILE, --config FILE, or both/],
  ])('%s exits 2 with the reason on stderr', async (_what, argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it.each(Object.keys(commands))('`%s --help` shows its options, output formats and examples, exit 0', async (name) => {
    const r = await cli(name, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: baqup ${name}`);
    expect(r.stdout).toContain('Options:');
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toContain(`Examples:\n  $ baqup ${name}`);
  });

  it('`help <command>` is the same help', async () => {
    const r = await cli('help', 'backup');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--no-wait');
  });
});
