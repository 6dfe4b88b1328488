import { describe, expect, it } from 'vitest';
import { builtinDefaults } from '../config/controller-defaults.js';
import { parseLabels } from './parse-labels.js';
import { backupName, swarmTask } from './swarm.js';

const task = (service: string, taskName: string, extra: Record<string, string> = {}) => ({
  'com.docker.swarm.service.name': service,
  'com.docker.swarm.service.id': 'svc123',
  'com.docker.swarm.task.name': taskName,
  'com.docker.swarm.task.id': 'task456',
  ...extra,
});

describe('backupName', () => {
  it.each([
    ['a plain container keeps its name', {}, 'web-1', 'web-1'],
    ['a stack task is named by its service', task('shop_db', 'shop_db.1.abc', { 'com.docker.stack.namespace': 'shop' }), 'shop_db.1.abc', 'shop_db'],
    ['a service outside a stack', task('db', 'db.1.abc'), 'db.1.abc', 'db'],
    ['a namespace the service name lacks is put in front', task('db', 'db.1.abc', { 'com.docker.stack.namespace': 'shop' }), 'db.1.abc', 'shop_db'],
    ['a replica slot above 1 is kept apart', task('shop_db', 'shop_db.2.abc', { 'com.docker.stack.namespace': 'shop' }), 'shop_db.2.abc', 'shop_db.2'],
    ['a global task (node id in place of a slot)', task('shop_agent', 'shop_agent.i1pvxgbzmpjora8nofqn2qir1.abc'), 'x', 'shop_agent'],
    ['no task name label: the container name gives the slot', { 'com.docker.swarm.service.name': 'db', 'com.docker.swarm.service.id': 's' }, 'db.3.zzz', 'db.3'],
    ['a service name without its id is not trusted', { 'com.docker.swarm.service.name': 'db' }, 'db.1.abc', 'db.1.abc'],
    ['an unusable service name falls back to the container', task('../etc', '../etc.1.abc'), 'c1', 'c1'],
    ['an empty service name falls back to the container', task(' ', 'x'), 'c1', 'c1'],
  ])('%s', (_what, labels, name, want) => expect(backupName(labels, name)).toBe(want));

  it('keeps what the task is', () => {
    expect(swarmTask(task('shop_db', 'shop_db.2.abc', { 'com.docker.stack.namespace': 'shop' }), 'shop_db.2.abc')).toEqual({
      name: 'shop_db.2',
      service: 'shop_db',
      serviceId: 'svc123',
      stack: 'shop',
      slot: 2,
      taskContainer: 'shop_db.2.abc',
    });
  });

  it('parseLabels names a task by its service, whatever its container is called', () => {
    const labels = { ...task('shop_db', 'shop_db.1.abc', { 'com.docker.stack.namespace': 'shop' }), 'backup.enabled': 'true', 'backup.fs.data.path': '/data' };
    const a = parseLabels(labels, [], builtinDefaults(), { id: 'a', name: '/shop_db.1.abc', image: 'img' });
    const b = parseLabels({ ...labels, 'com.docker.swarm.task.name': 'shop_db.1.def' }, [], builtinDefaults(), { id: 'b', name: 'shop_db.1.def', image: 'img' });
    expect(a.containerName).toBe('shop_db');
    expect(b.containerName).toBe('shop_db');
    expect(a.swarm?.taskContainer).toBe('shop_db.1.abc');
    expect(a.errors).toEqual([]);
  });

  it('a plain container has no swarm part', () => {
    const c = parseLabels({ 'backup.enabled': 'true', 'backup.fs.data.path': '/data' }, [], builtinDefaults(), { id: 'a', name: 'web', image: 'img' });
    expect(c.containerName).toBe('web');
    expect(c.swarm).toBeUndefined();
  });
});
