export { COMMON_WORDS } from './common-words.js';
export { MIN_SUBSTRING_LENGTH, REDACTED, Redactor, createRedactor, redact, secretStrength } from './redactor.js';
export type { SecretStrength } from './redactor.js';
