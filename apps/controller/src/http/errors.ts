// Every error the API answers is one JSON shape: `{ error, code }`, plus `field` when one input is at fault. Fastify's
// own errors (validation, body parsing, bad URLs) are mapped onto it here, and the raw-socket errors Node's parser
// raises (bad request line, huge headers, header timeout) get the same shape from `clientError`.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorMessage, type Logger } from '@baqup/core';
import { ApiBadRequestError, ApiBadUrlError, ApiBodyEmptyError, ApiBodyInvalidJsonError, ApiBodyLengthError, ApiBodyTooLargeError, ApiHandlerError, ApiHeadersTooLargeError, ApiInvalidInputError, ApiMalformedRequestError, ApiNotFoundError, ApiRequestTimeoutError, ApiUnsupportedMediaTypeError } from '@baqup/core';

/** Codes whose fault is the request body as a whole: their answers name `body` as the field. */
const BODY_CODES = new Set<string>([ApiBodyEmptyError.code, ApiBodyInvalidJsonError.code, ApiBodyLengthError.code, ApiBodyTooLargeError.code]);

export interface ApiErrorBody {
  error: string;
  code: string;
  field?: string;
}

/** The schema of every error answer, shared by the routes' `response` sections (and so the OpenAPI document). */
export const errorSchema = {
  $id: 'ApiError',
  type: 'object',
  required: ['error', 'code'],
  properties: {
    error: { type: 'string', description: 'What went wrong and what would be valid.' },
    code: { type: 'string', description: 'Stable code, BAQUP_<AREA>_<WHAT>.' },
    field: { type: 'string', description: 'The input at fault, e.g. body.container or params.name.' },
  },
} as const;

export const errorRef = { $ref: 'ApiError#' } as const;

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ApiBodyInvalidJsonError.code,
  FST_ERR_CTP_EMPTY_JSON_BODY: ApiBodyEmptyError.code,
  FST_ERR_CTP_BODY_TOO_LARGE: ApiBodyTooLargeError.code,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ApiUnsupportedMediaTypeError.code,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ApiBodyLengthError.code,
  FST_ERR_CTP_INVALID_CONTENT_TYPE: ApiUnsupportedMediaTypeError.code,
  FST_ERR_BAD_URL: ApiBadUrlError.code,
  FST_ERR_NOT_FOUND: ApiNotFoundError.code,
};

interface ValidationIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `body.container`, `params.name`, `query.limit`: the input a validation issue is about. */
export function fieldOf(context: string, issue: ValidationIssue): string {
  const path = issue.instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = issue.params.missingProperty ?? issue.params.additionalProperty;
  if (typeof extra === 'string') path.push(extra);
  return [context, ...path].join('.');
}

function describeIssue(field: string, issue: ValidationIssue): string {
  switch (issue.keyword) {
    case 'required':
      return `${field} is required`;
    case 'additionalProperties':
      return `${field} is not a known field`;
    case 'enum':
      return `${field} must be one of ${(issue.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${field} ${issue.message ?? 'is invalid'}`;
  }
}

/** Maps an error thrown anywhere in a request's life onto a status and the API's error body. */
export function toApiError(err: FastifyError & { validation?: ValidationIssue[]; validationContext?: string }): { status: number; body: ApiErrorBody } {
  if (err.validation && err.validation.length > 0) {
    const issue = err.validation[0]!;
    const field = fieldOf(err.validationContext === 'querystring' ? 'query' : (err.validationContext ?? 'body'), issue);
    // A body that is no object at all (a JSON array, a string) names the body itself.
    return { status: 400, body: { error: describeIssue(field, issue), code: ApiInvalidInputError.code, field } };
  }
  const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  if (mapped) {
    const message =
      mapped === ApiUnsupportedMediaTypeError.code ? 'request bodies must be JSON: send content-type: application/json'
      : mapped === ApiBodyInvalidJsonError.code ? 'the request body is not valid JSON'
      : mapped === ApiBodyEmptyError.code ? 'the request body is empty; send a JSON object (content-type: application/json)'
      : err.message;
    return { status, body: { error: message, code: mapped, ...(BODY_CODES.has(mapped) ? { field: 'body' } : {}) } };
  }
  if (status < 500) return { status, body: { error: err.message, code: ApiBadRequestError.code } };
  return { status, body: { error: errorMessage(err), code: typeof err.code === 'string' && err.code.startsWith('BAQUP_') ? err.code : ApiHandlerError.code } };
}

export function errorHandler(logger: Logger) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const { status, body } = toApiError(err);
    if (status >= 500) logger.error('api handler failed', { event: 'api.error', method: req.method, path: req.routeOptions.url ?? '', error: { code: body.code, message: body.error } });
    void reply.code(status).type('application/json; charset=utf-8').send(body);
  };
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send({ error: `no route for ${req.method} ${req.url.split('?')[0]}`, code: ApiNotFoundError.code } satisfies ApiErrorBody);
}

/** Fastify's hook for a URL it cannot decode (`/%zz`, `http://[`): a 400 in our shape instead of its own. */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toApiError(err);
  void reply.code(status).send(body);
}

/**
 * The raw-socket answer for what Node's HTTP parser refuses before any request exists: a malformed request line,
 * headers over the limit (431), headers that did not arrive in time (408). Nothing here can throw past the socket.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const code = status === 431 ? ApiHeadersTooLargeError.code : status === 408 ? ApiRequestTimeoutError.code : ApiMalformedRequestError.code;
  const message = status === 431 ? 'request headers are too large' : status === 408 ? 'the request did not arrive in time' : 'malformed HTTP request';
  const body = JSON.stringify({ error: message, code } satisfies ApiErrorBody);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
