// The Docker layer's codes (and discovery's, which reads Docker): callers branch on `code`, never on HTTP status or errno.
import { defineError, type BaqupErrorOptions } from './base.js';

export class DockerUnreachableError extends defineError('DockerUnreachableError', {
  code: 'BAQUP_DOCKER_UNREACHABLE',
  retryable: true,
  when: 'the Docker engine does not answer at its address (socket missing, refused, no permission, connection dropped).',
}) {
  constructor(readonly address: string, options: BaqupErrorOptions = {}) {
    super(`Docker engine not reachable at ${address}`, options);
  }
}

export class DockerNotFoundError extends defineError('DockerNotFoundError', {
  code: 'BAQUP_DOCKER_NOT_FOUND',
  retryable: false,
  when: 'the engine answers 404 for a container, exec or path.',
}) {
  constructor(what: string, options: BaqupErrorOptions = {}) {
    super(`${what} not found`, options);
  }
}

export class DockerApiError extends defineError('DockerApiError', {
  code: 'BAQUP_DOCKER_API',
  retryable: true,
  when: 'the engine answers with an HTTP error other than 404 (409 container not running, 500 …); retryable for 5xx only.',
}) {
  constructor(message: string, readonly statusCode: number | undefined, options: BaqupErrorOptions = {}) {
    super(message, { retryable: statusCode === undefined || statusCode >= 500, ...options });
  }
}

export class ExecFailedError extends defineError('ExecFailedError', {
  code: 'BAQUP_DOCKER_EXEC_FAILED',
  retryable: false,
  when: "an exec'd command exits non-zero; the message carries the exit code and the (redacted) stderr tail.",
}) {
  constructor(readonly exitCode: number, message: string, options: BaqupErrorOptions = {}) {
    super(message, options);
  }
}

export class DockerArchiveError extends defineError('DockerArchiveError', {
  code: 'BAQUP_DOCKER_ARCHIVE',
  retryable: true,
  when: 'reading or writing a container archive (tar over the archive API) fails.',
}) {}

export class DockerStreamError extends defineError('DockerStreamError', {
  code: 'BAQUP_DOCKER_STREAM',
  retryable: false,
  when: "the engine's multiplexed exec stream carries a frame header that cannot be one (stream misaligned).",
}) {}

export class DockerEventsEndedError extends defineError('DockerEventsEndedError', {
  code: 'BAQUP_DOCKER_EVENTS_ENDED',
  retryable: true,
  when: 'the engine closes the events stream; discovery reconnects on its own and re-lists.',
}) {
  constructor(address: string) {
    super(`Docker events stream at ${address} ended`);
  }
}

export class DiscoveryListError extends defineError('DiscoveryListError', {
  code: 'BAQUP_DISCOVERY_LIST',
  retryable: true,
  when: 'listing containers for a reconcile fails; the next trigger lists again.',
}) {}

export class DiscoveryInspectError extends defineError('DiscoveryInspectError', {
  code: 'BAQUP_DISCOVERY_INSPECT',
  retryable: true,
  when: 'inspecting one container for a reconcile fails; the next trigger inspects it again.',
}) {}

export class DiscoveryDeriveError extends defineError('DiscoveryDeriveError', {
  code: 'BAQUP_DISCOVERY_DERIVE',
  retryable: false,
  when: "deriving a container's backup config from its labels throws (a bug: bad labels are reported as label errors, not thrown).",
}) {}
