// The host name every controller the e2e suite starts runs under (config `host` from $BAQUP_HOSTNAME, set for
// every test process by the vitest configs): its backups sit under `{remote}/{E2E_HOST}/…` on the remote.
// Tests of the default (no host set: the engine's name) set their own environment.
export const E2E_HOST = 'e2e-host';
