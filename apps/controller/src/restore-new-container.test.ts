// The labels of a restore's new container: the source's, without what would make baqup back it up or compose adopt it.
import { describe, expect, it } from 'vitest';
import { newContainerLabels, RESTORED_FROM_LABEL } from './restore-new-container.js';

describe('newContainerLabels', () => {
  it('keeps the source labels but backup.*, com.docker.compose.*, com.docker.swarm.* and com.docker.stack.*, and says where it was restored from', () => {
    const labels = newContainerLabels(
      {
        'backup.enabled': 'true',
        'backup.postgres.main.password_env': 'POSTGRES_PASSWORD',
        'com.docker.compose.project': 'gitea',
        'com.docker.compose.service': 'db',
        'com.docker.swarm.service.name': 'gitea_db',
        'com.docker.stack.namespace': 'gitea',
        'org.opencontainers.image.title': 'postgres',
        'traefik.enable': 'false',
        backupish: 'kept',
      },
      'gitea-db/postgres-main',
    );
    expect(labels).toEqual({ 'org.opencontainers.image.title': 'postgres', 'traefik.enable': 'false', backupish: 'kept', [RESTORED_FROM_LABEL]: 'gitea-db/postgres-main' });
  });
});
