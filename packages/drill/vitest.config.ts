export { default } from '@baqup/vitest-config';
