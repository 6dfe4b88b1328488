// Schema validation of the config with ajv: fills defaults, coerces env-substituted strings ("60" → 60),
// and turns every error into one line `/json/pointer: what is wrong`.
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { didYouMean } from '../labels/did-you-mean.js';
import { CONFIG_SCHEMA, PATTERN_HINTS } from './schema.js';

// Compiled once per process; ajv compiles to a function, so reuse matters more than startup.
let compiled: ReturnType<Ajv['compile']> | undefined;
function validator(): ReturnType<Ajv['compile']> {
  compiled ??= new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true, strict: true, strictTypes: false }).compile(CONFIG_SCHEMA);
  return compiled;
}

/** Validates `data` in place (defaults are written into it) and returns one line per problem. */
export function validateConfig(data: unknown): string[] {
  const validate = validator();
  if (validate(data)) return [];
  return formatErrors(validate.errors ?? []);
}

function formatErrors(errors: ErrorObject[]): string[] {
  // An anyOf that failed explains itself; its branches' own errors are noise.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const lines = errors
    .filter((e) => e.keyword === 'anyOf' || !anyOfPaths.has(e.instancePath) || !e.schemaPath.includes('/anyOf/'))
    // propertyNames reports the name's own pattern failure too; its summary line is enough.
    .filter((e) => !e.schemaPath.includes('/propertyNames/'))
    .map(formatError);
  return [...new Set(lines)];
}

function formatError(e: ErrorObject): string {
  const at = e.instancePath || '/';
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      const known = knownProperties(e.schemaPath);
      const fix = didYouMean(property, known);
      return `${at}: unknown property "${property}"${fix ? ` (did you mean "${fix}"?)` : ''}${known.length ? `; expected one of: ${known.join(', ')}` : ''}`;
    }
    case 'required':
      return `${e.instancePath}/${String(params.missingProperty)}: is required`;
    case 'enum':
      return `${at}: must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'anyOf':
      return /\/webhook(\/\d+)?$/.test(e.instancePath)
        ? `${at}: must be a webhook URL, {url, headers}, or a list of those`
        : `${at}: must be false or a list of notification URLs`;
    case 'pattern':
      return `${at}: ${PATTERN_HINTS[String(params.pattern)] ?? `must match ${String(params.pattern)}`}`;
    case 'propertyNames':
      return `${at}: invalid name "${String(params.propertyName)}" (letters, digits, "_" and "-")`;
    default:
      return `${at}: ${e.message ?? 'is invalid'}`;
  }
}

/** The property names allowed by the object schema an additionalProperties error points into. */
function knownProperties(schemaPath: string): string[] {
  let node: unknown = CONFIG_SCHEMA;
  for (const part of schemaPath.replace(/^#\//, '').split('/').slice(0, -1)) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  const properties = node !== null && typeof node === 'object' ? (node as { properties?: object }).properties : undefined;
  return properties ? Object.keys(properties) : [];
}
