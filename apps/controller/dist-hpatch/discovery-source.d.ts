import type { DiscoverySource } from '@baqup/discovery';
import type { DockerClient } from '@baqup/docker';
export declare function dockerDiscoverySource(docker: DockerClient): DiscoverySource;
//# sourceMappingURL=discovery-source.d.ts.map