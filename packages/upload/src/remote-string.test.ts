import { describe, expect, it } from 'vitest';
import { credentialParams, displayRemote, isCredentialOption, joinRemote, parseRemote, remoteSecrets } from './remote-string.js';

describe('remote strings', () => {
  it.each([
    ['gdrive:backups', 'gdrive:backups'],
    [':sftp,host=example,user=bob,pass=c2VjcmV0:backups/x', ':sftp:backups/x'],
    ['myremote,pass="a:b,c":data', 'myremote:data'],
    ['/srv/backups', '/srv/backups'],
  ])('%s displays as %s', (remote, shown) => {
    expect(displayRemote(remote)).toBe(shown);
  });

  it('parses quoted values containing separators', () => {
    expect(parseRemote('r,pass="a:b,c",user=x:p')).toEqual({
      backend: 'r',
      params: [['pass', 'a:b,c'], ['user', 'x']],
      path: 'p',
    });
  });

  it('finds credential parameters', () => {
    expect(credentialParams(':sftp,host=h,pass=zz,key_file=/k,key_pem=x:p')).toEqual(['pass', 'key_pem']);
    expect(credentialParams(':s3,provider=AWS,env_auth=true:bucket')).toEqual([]);
    expect(credentialParams('named:path')).toEqual([]);
  });

  it.each([
    'pass', 'password', 'password2', 'key', 'key_pem', 'key_file_pass', 'token', 'client_secret', 'secret_access_key',
    'access_key_id', 'session_token', 'service_account_credentials', 'access_grant', 'headers', 'sas_url', 'bearer_token',
    'api_key', 'connection_string', 'sse_customer_key', 'application_credential_secret', 'auth_token', 'cookies',
    'Secret-Access-Key', 'client-secret', 'some_new_token', 'x_api_secret',
  ])('refuses the credential option %s', (name) => {
    expect(isCredentialOption(name)).toBe(true);
    expect(credentialParams(`:backend,host=h,${name}=v:p`)).toEqual([name]);
  });

  it.each(['host', 'user', 'provider', 'env_auth', 'region', 'endpoint', 'key_file', 'service_account_file', 'token_url', 'auth_url', 'bearer_token_command', 'client_id', 'known_hosts_file', 'chunk_size'])(
    'accepts the ordinary option %s',
    (name) => {
      expect(isCredentialOption(name)).toBe(false);
    },
  );

  it('lists every parameter value as a secret to scrub', () => {
    const s = remoteSecrets(':sftp,host=example,pass=c2VjcmV0:backups');
    expect(s).toContain(':sftp,host=example,pass=c2VjcmV0:');
    expect(s).toContain('c2VjcmV0');
    expect(remoteSecrets('gdrive:backups')).toEqual([]);
  });

  it('joins paths', () => {
    expect(joinRemote('r:', 'a/b')).toBe('r:a/b');
    expect(joinRemote('r:base', '/a/b')).toBe('r:base/a/b');
    expect(joinRemote('/srv/x/', 'a')).toBe('/srv/x/a');
  });
});
