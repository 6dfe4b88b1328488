// The HTTP API: every answer that is not 2xx carries one of these codes (and `field` where one is at fault).
import { defineError } from './base.js';

export class ApiBadRequestError extends defineError('ApiBadRequestError', {
  code: 'BAQUP_API_BAD_REQUEST',
  retryable: false,
  when: 'a request is refused by the HTTP layer for a reason no more specific code names (4xx).',
}) {}

export class ApiBadUrlError extends defineError('ApiBadUrlError', {
  code: 'BAQUP_API_BAD_URL',
  retryable: false,
  when: 'a request path cannot be decoded (a malformed percent-escape, say); answered 400, the controller goes on.',
}) {}

export class ApiBodyEmptyError extends defineError('ApiBodyEmptyError', {
  code: 'BAQUP_API_BODY_EMPTY',
  retryable: false,
  when: 'a route that takes a JSON body is sent an empty one.',
}) {}

export class ApiBodyInvalidJsonError extends defineError('ApiBodyInvalidJsonError', {
  code: 'BAQUP_API_BODY_INVALID_JSON',
  retryable: false,
  when: 'a request body is not valid JSON.',
}) {}

export class ApiBodyLengthError extends defineError('ApiBodyLengthError', {
  code: 'BAQUP_API_BODY_LENGTH',
  retryable: false,
  when: 'the content-length of a request does not match its body.',
}) {}

export class ApiBodyTooLargeError extends defineError('ApiBodyTooLargeError', {
  code: 'BAQUP_API_BODY_TOO_LARGE',
  retryable: false,
  when: 'a request body is larger than the API accepts (413).',
}) {}

export class ApiHeadersTooLargeError extends defineError('ApiHeadersTooLargeError', {
  code: 'BAQUP_API_HEADERS_TOO_LARGE',
  retryable: false,
  when: 'the headers of a request are larger than the server accepts (431).',
}) {}

export class ApiInvalidInputError extends defineError('ApiInvalidInputError', {
  code: 'BAQUP_API_INVALID_INPUT',
  retryable: false,
  when: 'the params, query or body of a request fail the schema of its route; the answer names the field.',
}) {}

export class ApiMalformedRequestError extends defineError('ApiMalformedRequestError', {
  code: 'BAQUP_API_MALFORMED_REQUEST',
  retryable: false,
  when: 'a request cannot be parsed as HTTP at all; the connection is answered 400 and closed.',
}) {}

export class ApiNotFoundError extends defineError('ApiNotFoundError', {
  code: 'BAQUP_API_NOT_FOUND',
  retryable: false,
  when: 'a request names no route the API has (404).',
}) {}

export class ApiRequestTimeoutError extends defineError('ApiRequestTimeoutError', {
  code: 'BAQUP_API_REQUEST_TIMEOUT',
  retryable: true,
  when: 'a client does not send a whole request within the time limits of the server (408).',
}) {}

export class ApiUnsupportedMediaTypeError extends defineError('ApiUnsupportedMediaTypeError', {
  code: 'BAQUP_API_UNSUPPORTED_MEDIA_TYPE',
  retryable: false,
  when: 'a request body is sent with a content type other than JSON (415).',
}) {}

export class ApiDisabledError extends defineError('ApiDisabledError', {
  code: 'BAQUP_API_DISABLED',
  retryable: false,
  when: 'a mutating or protected route is called while no API token is configured (403).',
}) {}

export class ApiUnauthorizedError extends defineError('ApiUnauthorizedError', {
  code: 'BAQUP_API_UNAUTHORIZED',
  retryable: false,
  when: 'a protected route is called without the right bearer token (401).',
}) {}

export class ApiNoContainerError extends defineError('ApiNoContainerError', {
  code: 'BAQUP_API_NO_CONTAINER',
  retryable: false,
  when: 'a request names a container that has no backup labels (404).',
}) {}

export class ApiNoTargetError extends defineError('ApiNoTargetError', {
  code: 'BAQUP_API_NO_TARGET',
  retryable: false,
  when: 'a request names a target the container does not have (404).',
}) {}

export class ApiNoJobError extends defineError('ApiNoJobError', {
  code: 'BAQUP_API_NO_JOB',
  retryable: false,
  when: 'GET /api/jobs/{id} names a job this controller does not know (never queued, or finished long ago and forgotten) (404).',
}) {}

export class ApiJobNotQueuedError extends defineError('ApiJobNotQueuedError', {
  code: 'BAQUP_API_JOB_NOT_QUEUED',
  retryable: false,
  when: 'DELETE /api/jobs/{id} names a job that is no longer queued: running (a running backup is not cut off, its container may be stopped and its dump half-written) or finished (409).',
}) {}

export class ApiNoHoldError extends defineError('ApiNoHoldError', {
  code: 'BAQUP_API_NO_HOLD',
  retryable: false,
  when: 'a restore hold is renewed or released that this controller does not hold (never taken, released, or expired) (404).',
}) {}

export class ApiHoldLimitError extends defineError('ApiHoldLimitError', {
  code: 'BAQUP_API_HOLD_LIMIT',
  retryable: true,
  when: 'a restore hold is asked for while the controller already holds its limit of targets for restores (429).',
}) {}

export class ApiNoJobsError extends defineError('ApiNoJobsError', {
  code: 'BAQUP_API_NO_JOBS',
  retryable: true,
  when: 'a backup is asked for while the controller takes no jobs, stopping or in --dry-run (503).',
}) {}

export class ApiWaitTimeoutError extends defineError('ApiWaitTimeoutError', {
  code: 'BAQUP_API_WAIT_TIMEOUT',
  retryable: true,
  when: 'a request that waits for its backup gives up before the job ends (the job goes on).',
}) {}

export class ApiStoppingError extends defineError('ApiStoppingError', {
  code: 'BAQUP_API_STOPPING',
  retryable: true,
  when: 'a request that waits for its backup is answered because the controller is stopping.',
}) {}

export class ApiConfirmRequiredError extends defineError('ApiConfirmRequiredError', {
  code: 'BAQUP_API_CONFIRM_REQUIRED',
  retryable: false,
  when: 'a restore through the API is sent without confirm: true (400).',
}) {}

export class ApiRestoreDisabledError extends defineError('ApiRestoreDisabledError', {
  code: 'BAQUP_API_RESTORE_DISABLED',
  retryable: false,
  when: 'a restore through the API is asked for while api.allow_restore is off (403).',
}) {}

export class ApiStreamLimitError extends defineError('ApiStreamLimitError', {
  code: 'BAQUP_API_STREAM_LIMIT',
  retryable: true,
  when: 'GET /api/stream is asked for while as many streams as it serves at once are open (503; the browser retries).',
}) {}
