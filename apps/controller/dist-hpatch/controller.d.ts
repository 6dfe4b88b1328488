import { type ConfigEnv } from '@baqup/core';
export interface ControllerOptions {
    configPath?: string | undefined;
    dryRun: boolean;
    env: ConfigEnv;
}
export declare function startController(options: ControllerOptions): Promise<{
    stop: () => Promise<void>;
    apiAddress: string;
}>;
//# sourceMappingURL=controller.d.ts.map