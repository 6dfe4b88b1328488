export { default } from '@baqup/eslint-config';
