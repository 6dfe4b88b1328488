import { describe, expect, it } from 'vitest';
import { credentialParams, displayRemote, joinRemote, parseRemote, remoteSecrets } from './remote-string.js';

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
