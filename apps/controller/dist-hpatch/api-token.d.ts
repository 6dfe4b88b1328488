import { type ControllerConfig } from '@baqup/core';
/** The API bearer token from config (`api.token`) or a file (`api.token_file`), trimmed; undefined when neither is set. */
export declare function resolveApiToken(api: ControllerConfig['api']): string | undefined;
//# sourceMappingURL=api-token.d.ts.map