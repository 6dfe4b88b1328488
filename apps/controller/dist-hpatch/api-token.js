import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '@baqup/core';
/** The API bearer token from config (`api.token`) or a file (`api.token_file`), trimmed; undefined when neither is set. */
export function resolveApiToken(api) {
    if (api.token)
        return api.token.reveal();
    if (!api.token_file)
        return undefined;
    try {
        const token = readFileSync(api.token_file, 'utf8').trim();
        if (token === '')
            throw new Error('the file is empty');
        return token;
    }
    catch (err) {
        throw new ConfigError(`api.token_file: cannot read ${api.token_file}: ${errorMessage(err)}`, [`/api/token_file: ${errorMessage(err)}`]);
    }
}
//# sourceMappingURL=api-token.js.map