import type { UserConfig } from 'vitest/config';
export declare function unitConfig(overrides?: { test?: UserConfig['test'] }): UserConfig;
export declare const repoRoot: string;
declare const config: UserConfig;
export default config;
