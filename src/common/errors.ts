/**
 * Domain errors. Services throw these and never build HTTP bodies; each service's
 * fault dialect (src/common/faults) renders them in the format its OpenStack
 * counterpart uses. `code` strings are stable identifiers: append, never reuse.
 */
export type ErrorStatus =
  400 | 401 | 403 | 404 | 405 | 406 | 409 | 412 | 413 | 414 | 415 | 416 | 429 | 500 | 501 | 503;

export abstract class CloudError extends Error {
  abstract readonly status: ErrorStatus;
  readonly code: string;
  /** Extra response headers, e.g. WWW-Authenticate on 401. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: string, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.code = code;
    this.headers = headers;
    this.name = new.target.name;
  }
}

/** 400: the request is malformed or fails validation. */
export class InputError extends CloudError {
  readonly status = 400;
}

/** 401: no credentials, or credentials that are wrong, expired or revoked. */
export class UnauthorizedError extends CloudError {
  readonly status = 401;
}

/** 403: authenticated, but policy forbids the action. */
export class ForbiddenError extends CloudError {
  readonly status = 403;
}

/** 404: the resource does not exist or the caller may not know it exists. */
export class NotFoundError extends CloudError {
  readonly status = 404;
}

/** 405: the path exists but not with this method; `Allow` names the methods it has. */
export class MethodNotAllowedError extends CloudError {
  readonly status = 405;
}

/** 406: no acceptable representation (for example an unsupported microversion). */
export class NotAcceptableError extends CloudError {
  readonly status = 406;
}

/** 409: a duplicate, a concurrent change or a resource in the wrong state. */
export class ConflictError extends CloudError {
  readonly status = 409;
}

/** 409 for state machines: `action` is not allowed while the resource is in `state`. */
export class InvalidStateError extends ConflictError {
  constructor(
    code: string,
    message: string,
    readonly resource: string,
    readonly state: string,
    readonly action: string,
  ) {
    super(code, message);
  }
}

/** 412: a precondition of the request (If-Match) does not hold. */
export class PreconditionFailedError extends CloudError {
  readonly status = 412;
}

/** 413: a quota or size limit was exceeded. */
export class OverLimitError extends CloudError {
  readonly status = 413;
}

/** 414: a URL path segment longer than any name the APIs accept. */
export class UriTooLongError extends CloudError {
  readonly status = 414;
}

/** 415: the request body's media type is not supported. */
export class UnsupportedMediaTypeError extends CloudError {
  readonly status = 415;
}

/** 416: a Range header that the resource cannot satisfy. */
export class RangeNotSatisfiableError extends CloudError {
  readonly status = 416;
}

/** 429: the caller must slow down (Retry-After says for how long). */
export class TooManyRequestsError extends CloudError {
  readonly status = 429;
}

/** 501: the API exists in OpenStack but Strata does not implement it. */
export class NotImplementedError extends CloudError {
  readonly status = 501;
}

/** 503: a dependency (database, agent) is unavailable; retrying may succeed. */
export class UnavailableError extends CloudError {
  readonly status = 503;
}

/** 500 wrapper: anything that is not a CloudError becomes this, with no details exposed. */
export class InternalError extends CloudError {
  readonly status = 500;
}

export function isCloudError(err: unknown): err is CloudError {
  return err instanceof CloudError;
}
