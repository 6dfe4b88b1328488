import { describe, expect, it } from 'vitest';
import { builtinDefaults } from '@baqup/core';
import { deriveFromLabels } from './derive.js';
import { EnvProbe, containerFromAttributes, deriveWithoutEnv } from './event-state.js';
import { configFingerprint } from './fingerprint.js';
import type { InspectedContainer } from './source.js';

const derive = deriveFromLabels(builtinDefaults());

describe('containerFromAttributes', () => {
  it("takes the labels, name and image of a start event's attributes", () => {
    const c = containerFromAttributes('abc', { 'backup.enabled': 'true', 'backup.fs.data.path': '/data', 'com.example': 'x', name: 'web', image: 'nginx:1.27' });
    expect(c).toEqual({ id: 'abc', name: 'web', image: 'nginx:1.27', running: true, labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data', 'com.example': 'x' }, env: [] });
  });

  it('is null without backup.enabled (discovery would not keep it)', () => {
    expect(containerFromAttributes('abc', { 'backup.fs.data.path': '/data', name: 'web', image: 'nginx' })).toBeNull();
    expect(containerFromAttributes('abc', {})).toBeNull();
  });

  it("is null for a Swarm task: its service's deploy.labels, which only the inspect path reads, may hold its config", () => {
    expect(containerFromAttributes('abc', { 'backup.enabled': 'true', 'com.docker.swarm.service.id': 's1', 'com.docker.swarm.service.name': 'shop_db', name: 'shop_db.1.x', image: 'pg' })).toBeNull();
  });
});

describe('EnvProbe', () => {
  it('notes any read, and only a read', () => {
    const quiet = new EnvProbe();
    expect(quiet.read).toBe(false);
    for (const look of [(e: EnvProbe) => e.get('X'), (e: EnvProbe) => e.has('X'), (e: EnvProbe) => e.size, (e: EnvProbe) => [...e], (e: EnvProbe) => [...e.keys()], (e: EnvProbe) => e.forEach(() => undefined)]) {
      const e = new EnvProbe();
      look(e);
      expect(e.read).toBe(true);
    }
  });
});

describe('deriveWithoutEnv', () => {
  const fromEvent = (attributes: Record<string, string>): InspectedContainer => containerFromAttributes('abc', { name: 'app', image: 'img:1', ...attributes })!;

  it('gives the config the inspect will give when the labels do not read the env (fs, volume, sqlite targets)', () => {
    const labels = { 'backup.enabled': 'true', 'backup.fs.data.path': '/data', 'backup.fs.data.schedule': 'hourly', 'backup.fs.data.exclude': '*.log', 'backup.sqlite.app.path': '/data/app.db' };
    const early = deriveWithoutEnv(derive, fromEvent(labels));
    expect(early).not.toBeNull();
    expect(early!.targets.map((t) => t.instance).sort()).toEqual(['app', 'data']);
    const inspected: InspectedContainer = { id: 'abc', name: 'app', image: 'img:1', running: true, labels, env: ['PATH=/usr/bin', 'SECRET=x'] };
    expect(configFingerprint(early!)).toBe(configFingerprint(derive(inspected)));
  });

  it("keeps a compose group member's compose labels, so its group is the inspect's too", () => {
    const labels = { 'backup.enabled': 'true', 'backup.stop': 'stack', 'backup.fs.data.path': '/data', 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'app', 'com.docker.compose.depends_on': 'db:service_started:false' };
    const early = deriveWithoutEnv(derive, fromEvent(labels));
    expect(early).not.toBeNull();
    expect(early!.group).toBeDefined();
    expect(configFingerprint(early!)).toBe(configFingerprint(derive({ id: 'abc', name: 'app', image: 'img:1', running: true, labels, env: ['A=b'] })));
  });

  it('is null when the parse reads the env (a database target takes its user and password from it)', () => {
    expect(deriveWithoutEnv(derive, fromEvent({ 'backup.enabled': 'true', 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD' }))).toBeNull();
    expect(deriveWithoutEnv(derive, fromEvent({ 'backup.enabled': 'true', 'backup.postgres.main.databases': 'app' }))).toBeNull();
  });

  it('is null when the derive throws or answers asynchronously (the inspect decides then)', () => {
    const c = fromEvent({ 'backup.enabled': 'true' });
    expect(deriveWithoutEnv(() => {
      throw new Error('boom');
    }, c)).toBeNull();
    expect(deriveWithoutEnv(async (x) => derive(x), c)).toBeNull();
  });
});
