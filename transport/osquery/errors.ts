/** A transport-level rejection (body too large, malformed JSON, wrong types): `{"error": message}`. */
export class AgentHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): AgentHttpError => new AgentHttpError(400, message);

/** Keeps client-controlled text in error messages short. */
export function clip(s: string, max = 100): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
