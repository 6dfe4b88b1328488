export { imageName, type ImageName } from './image-name.js';
export { ENGINE_IMAGES, CREDENTIAL_ENV, REDIS_DATA_PATHS, SQLITE_EXTENSIONS, APP_DATA } from './rules.js';
export {
  detectEngine,
  isSqliteFileName,
  suggestLabels,
  type SuggestInput,
  type SuggestedTarget,
  type SuggestStatus,
  type Suggestion,
  type SuggestOptions,
} from './suggest-labels.js';
