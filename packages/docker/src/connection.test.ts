import { describe, expect, it } from 'vitest';
import { resolveConnection } from './connection.js';

const files = (p: string) => Buffer.from(`content of ${p}`);

describe('resolveConnection', () => {
  it('defaults to the local socket', () => {
    expect(resolveConnection({})).toEqual({ address: 'unix:///var/run/docker.sock', options: { socketPath: '/var/run/docker.sock' } });
  });

  it('takes unix:// paths', () => {
    expect(resolveConnection({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toEqual({
      address: 'unix:///run/user/1000/docker.sock',
      options: { socketPath: '/run/user/1000/docker.sock' },
    });
  });

  it('takes plain tcp', () => {
    expect(resolveConnection({ DOCKER_HOST: 'tcp://10.1.2.3:2375' })).toEqual({
      address: 'tcp://10.1.2.3:2375',
      options: { protocol: 'http', host: '10.1.2.3', port: 2375 },
    });
  });

  it('uses TLS with the certs in DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set', () => {
    const c = resolveConnection({ DOCKER_HOST: 'tcp://docker.lan:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, files);
    expect(c.address).toBe('tcp://docker.lan:2376');
    expect(c.options.protocol).toBe('https');
    expect(c.options.ca?.toString()).toBe('content of /certs/ca.pem');
    expect(c.options.cert?.toString()).toBe('content of /certs/cert.pem');
    expect(c.options.key?.toString()).toBe('content of /certs/key.pem');
  });

  it('treats DOCKER_TLS_VERIFY=0 as off', () => {
    expect(resolveConnection({ DOCKER_HOST: 'tcp://h:2375', DOCKER_TLS_VERIFY: '0' }).options.protocol).toBe('http');
  });

  it('takes ssh:// with user and agent, and keeps a password out of the address', () => {
    const c = resolveConnection({ DOCKER_HOST: 'ssh://ops:hunter2@nas.lan', SSH_AUTH_SOCK: '/tmp/agent' });
    expect(c.address).toBe('ssh://ops@nas.lan:22');
    expect(c.options).toEqual({ protocol: 'ssh', host: 'nas.lan', port: 22, username: 'ops', sshOptions: { agent: '/tmp/agent' } });
  });

  it('rejects schemes it cannot serve', () => {
    expect(() => resolveConnection({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' })).toThrow(/not supported/);
  });
});
