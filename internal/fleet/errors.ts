// Domain errors. They know nothing of HTTP: transport/http/error-encoder.ts maps them
// to Fleet's status codes and `{message, errors:[{name, reason}]}` body.

export interface InvalidReason {
  name: string;
  reason: string;
}

export abstract class FleetError extends Error {
  abstract readonly kind: string;
}

/** A resource that does not exist: `<resource> <what> was not found in the datastore`. */
export class NotFoundError extends FleetError {
  readonly kind = 'not_found';
  constructor(
    readonly resource: string,
    readonly what: string | number,
  ) {
    super(`${resource} ${what} was not found in the datastore`);
  }
}

/** A unique key is taken: `<resource> <what> already exists in the datastore`. */
export class AlreadyExistsError extends FleetError {
  readonly kind = 'already_exists';
  constructor(
    readonly resource: string,
    readonly what: string | number,
  ) {
    super(`${resource} ${what} already exists in the datastore`);
  }
}

/** Failed validation: one reason per failed check, in check order. */
export class InvalidArgumentError extends FleetError {
  readonly kind = 'invalid';
  readonly reasons: InvalidReason[];
  constructor(name?: string, reason?: string) {
    super('validation failed');
    this.reasons = name !== undefined && reason !== undefined ? [{ name, reason }] : [];
  }
  append(name: string, reason: string): this {
    this.reasons.push({ name, reason });
    return this;
  }
  hasErrors(): boolean {
    return this.reasons.length > 0;
  }
  /** Throws itself when any check failed. */
  throwIfAny(): void {
    if (this.reasons.length > 0) {
      this.message = this.reasons.map((r) => `${r.name} ${r.reason}`).join(', ');
      throw this;
    }
  }
}

/** Not authenticated (401). The reason is shown to the client. */
export class AuthenticationError extends FleetError {
  readonly kind = 'authentication';
  static readonly DEFAULT_REASON = 'username or email and password do not match';
  constructor(readonly clientReason: string = AuthenticationError.DEFAULT_REASON) {
    super(clientReason);
  }
}

/** Authenticated but not allowed (403). `field` is set for field-level denials. */
export class PermissionError extends FleetError {
  readonly kind = 'permission';
  constructor(
    readonly reason: string,
    readonly field?: string,
  ) {
    super(reason);
  }
}

/** A request that is well-formed but cannot be honoured in the current state (422 on `base`). */
export class UnprocessableError extends FleetError {
  readonly kind = 'unprocessable';
  constructor(
    readonly reason: string,
    readonly field: string = 'base',
  ) {
    super(reason);
  }
}

/** Malformed input that cannot be decoded (400). */
export class BadRequestError extends FleetError {
  readonly kind = 'bad_request';
  constructor(
    readonly reason: string,
    readonly field: string = 'base',
  ) {
    super(reason);
  }
}

/** Too many attempts (429); `retryAfterSeconds` feeds the Retry-After header. */
export class RateLimitError extends FleetError {
  readonly kind = 'rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super(`limit exceeded, retry after: ${retryAfterSeconds}s`);
  }
}

/** Sending mail failed (500 "Mail Error"). */
export class MailError extends FleetError {
  readonly kind = 'mail';
  constructor(reason: string) {
    super(reason);
  }
}

/** A feature that is configured off (e.g. SSO before it is implemented/enabled). */
export class FeatureDisabledError extends FleetError {
  readonly kind = 'feature_disabled';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The osquery agent presented an unknown node key; the agent must re-enroll. */
export class NodeInvalidError extends FleetError {
  readonly kind = 'node_invalid';
  constructor(reason = 'invalid node key') {
    super(reason);
  }
}

/** A backing service (database, mail, cache) is unavailable. */
export class ServiceUnavailableError extends FleetError {
  readonly kind = 'unavailable';
  constructor(reason: string) {
    super(reason);
  }
}
