import { describe, expect, it } from 'vitest';
import { backupLabels } from './labels-routes.js';

describe('backupLabels', () => {
  it('keeps backup.* labels only, sorted, with every secret-looking value masked', () => {
    expect(backupLabels({
      'com.docker.compose.project': 'shop',
      'backup.enabled': 'true',
      'backup.postgres.main.password': 'hunter2-secret',
      'backup.postgres.main.password_env': 'POSTGRES_PASSWORD',
      'backup.postgres.main.passwrd': 'typo-secret',
      'backup.postgres.main.ping': 'https://hc-ping.com/uuid-secret',
      'backup.notify_on_failure': 'ntfy://ntfy.sh/topic-secret',
      'backup.postgres.main.schedule': 'daily',
    })).toEqual({
      'backup.enabled': 'true',
      'backup.notify_on_failure': '[redacted]',
      'backup.postgres.main.password': '[redacted]',
      'backup.postgres.main.password_env': 'POSTGRES_PASSWORD',
      'backup.postgres.main.passwrd': '[redacted]',
      'backup.postgres.main.ping': '[redacted]',
      'backup.postgres.main.schedule': 'daily',
    });
  });
});
