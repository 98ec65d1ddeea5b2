/**
 * An error meant for the operator: main prints its message as one line and exits non-zero.
 * Anything else escaping a command is a bug and is printed the same way (plus a stack with --debug).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * A non-2xx answer from the server. The message follows Fleet's fleetctl: the body's
 * `message`, then the first `errors[].reason` ("<message>: <reason>"); "unknown" when the body
 * is not Fleet's error shape, plus the HTTP status (e.g. a proxy's 502 page), which Fleet's
 * client left out.
 */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(describeErrorBody(body, status));
    this.name = 'ApiError';
  }
}

export function describeErrorBody(body: unknown, status?: number): string {
  const unknown = status === undefined ? 'unknown' : `unknown (HTTP ${status})`;
  if (typeof body !== 'object' || body === null) return unknown;
  const { message, errors } = body as { message?: unknown; errors?: unknown };
  if (typeof message !== 'string') return unknown;
  const first = Array.isArray(errors) ? (errors[0] as { reason?: unknown } | undefined) : undefined;
  return typeof first?.reason === 'string' && first.reason !== '' ? `${message}: ${first.reason}` : message;
}
