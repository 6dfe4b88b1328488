import { describe, expect, it } from 'vitest';
import { container, enabled, named, parse, withLabels } from './__fixtures__/container.js';

const fs = { 'backup.fs.data.path': '/data' };
const compose = (project: string, service: string, dependsOn = '') => ({
  'com.docker.compose.project': project,
  'com.docker.compose.service': service,
  'com.docker.compose.depends_on': dependsOn,
});

describe('backup groups: backup.stop=stack and backup.group', () => {
  it('backup.stop=stack joins the compose project, with its service and depends_on', () => {
    const config = parse(container(enabled, named('/shop-app-1'), withLabels({ ...fs, 'backup.stop': 'stack', ...compose('shop', 'app', 'db:service_healthy:false,cache:service_started:true') })));
    expect(config.errors).toEqual([]);
    expect(config.stop).toBe(true);
    expect(config.group).toEqual({ name: 'shop', source: 'compose', service: 'app', dependsOn: ['db', 'cache'] });
    expect(config.targets).toHaveLength(1);
  });

  it('backup.group names the group (over the compose project); the container name is the service without compose', () => {
    expect(parse(container(enabled, named('/wiki'), withLabels({ ...fs, 'backup.group': 'docs' }))).group).toEqual({ name: 'docs', source: 'label', service: 'wiki', dependsOn: [] });
    const both = parse(container(enabled, withLabels({ ...fs, 'backup.group': 'docs', 'backup.stop': 'STACK', ...compose('shop', 'app', 'db:service_started:false') })));
    expect(both.errors).toEqual([]);
    expect(both.group).toEqual({ name: 'docs', source: 'label', service: 'app', dependsOn: ['db'] });
  });

  it('a member without targets of its own is no error: it is stopped and started with its group', () => {
    const config = parse(container(enabled, withLabels({ 'backup.stop': 'stack', ...compose('shop', 'web', 'app:service_started:false') })));
    expect(config.errors).toEqual([]);
    expect(config.group?.service).toBe('web');
    expect(config.targets).toEqual([]);
  });

  it('true and false keep their meaning, and nothing joins a group', () => {
    for (const [value, stop] of [['true', true], ['no', false]] as const) {
      const config = parse(container(enabled, withLabels({ ...fs, 'backup.stop': value, ...compose('shop', 'app') })));
      expect(config).toMatchObject({ stop, errors: [] });
      expect(config.group).toBeUndefined();
    }
  });

  it('ignores an empty depends_on label, a service naming itself, and a repeated entry', () => {
    const config = parse(container(enabled, withLabels({ ...fs, 'backup.stop': 'stack', ...compose('shop', 'app', ' db:service_started:false, db:service_healthy:true,app:x:false,') })));
    expect(config.group?.dependsOn).toEqual(['db']);
  });

  // Every case: the error names the label, says what would be valid, and the container is still stopped on its own
  // for its cold copies (never copied hot because its group label was wrong), without joining any group.
  it.each<{ name: string; labels: Record<string, string>; label: string; message: RegExp; expected: RegExp; stop?: boolean }>([
    {
      name: 'stack outside compose, without backup.group',
      labels: { 'backup.stop': 'stack' },
      label: 'backup.stop',
      message: /no com\.docker\.compose\.project label/,
      expected: /backup\.group=<name>/,
    },
    { name: 'an invalid group name', labels: { 'backup.group': '../etc' }, label: 'backup.group', message: /invalid group name "\.\.\/etc"/, expected: /letters, digits/ },
    { name: 'an empty group name', labels: { 'backup.group': '' }, label: 'backup.group', message: /invalid group name/, expected: /letters, digits/ },
    {
      name: 'backup.stop=false beside backup.group',
      labels: { 'backup.group': 'docs', 'backup.stop': 'false' },
      label: 'backup.stop',
      message: /backup\.stop=false contradicts backup\.group=docs/,
      expected: /stack, or no backup\.stop label/,
    },
    {
      name: 'backup.stop=true beside backup.group',
      labels: { 'backup.group': 'docs', 'backup.stop': 'true' },
      label: 'backup.stop',
      message: /contradicts/,
      expected: /stack/,
    },
    {
      name: 'a compose project too long to name a group',
      labels: { 'backup.stop': 'stack', 'com.docker.compose.project': 'p'.repeat(70) },
      label: 'backup.stop',
      message: /cannot name a group/,
      expected: /backup\.group=<name>/,
    },
    {
      name: 'a depends_on label that is not compose\'s',
      labels: { 'backup.stop': 'stack', ...compose('shop', 'app', 'db:service_started:false,-rf') },
      label: 'com.docker.compose.depends_on',
      message: /group order cannot be read.*"-rf"/,
      expected: /service:condition:restart/,
    },
    { name: 'stop neither boolean nor stack', labels: { 'backup.stop': 'stak' }, label: 'backup.stop', message: /not a boolean or "stack"/, expected: /or stack/, stop: false },
  ])('$name: an error naming $label', ({ labels, label, message, expected, stop = true }) => {
    const config = parse(container(enabled, withLabels({ ...fs, ...labels })));
    expect(config.errors).toHaveLength(1);
    expect(config.errors[0]).toMatchObject({ label });
    expect(config.errors[0]!.message).toMatch(message);
    expect(config.errors[0]!.expected).toMatch(expected);
    expect(config.group).toBeUndefined();
    expect(config.stop).toBe(stop);
    expect(config.targets).toHaveLength(1);
  });

  it('backup.group takes no sub-keys', () => {
    const config = parse(container(enabled, withLabels({ ...fs, 'backup.group.name': 'x' })));
    expect(config.errors[0]).toMatchObject({ label: 'backup.group.name', suggestion: 'backup.group' });
  });
});
