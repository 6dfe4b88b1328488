// Where the built dashboard lives (dist/, made by `vite build`): the controller serves it at /.
import { fileURLToPath } from 'node:url';

export const dashboardDir = fileURLToPath(new URL('./dist/', import.meta.url));
