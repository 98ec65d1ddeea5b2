import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { BadRequestError, InvalidArgumentError } from '../../internal/fleet';

/**
 * Builds a typed request object from a JSON body and checks its class-validator rules.
 * A body that is not a JSON object is a 400; failed rules are a 422 with one reason per
 * field, before any service runs. Unknown fields are dropped.
 */
export function decodeBody<T extends object>(cls: ClassConstructor<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('request body must be a JSON object');
  }
  const instance = plainToInstance(cls, body, { excludeExtraneousValues: false });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    const invalid = new InvalidArgumentError();
    for (const { name, reason } of flatten(errors, '')) invalid.append(name, reason);
    invalid.throwIfAny();
  }
  return instance;
}

function flatten(errors: ValidationError[], prefix: string): Array<{ name: string; reason: string }> {
  const out: Array<{ name: string; reason: string }> = [];
  for (const e of errors) {
    const name = prefix ? `${prefix}.${e.property}` : e.property;
    // Report one reason per field. A missing value fails every rule; say it is missing.
    // Otherwise the top-most decorator (the last constraint reported) is the most specific.
    const constraints = e.constraints ?? {};
    const reasons = Object.values(constraints);
    const reason = constraints.isDefined ?? reasons[reasons.length - 1];
    if (reason !== undefined) out.push({ name, reason });
    if (e.children?.length) out.push(...flatten(e.children, name));
  }
  return out;
}

/** Optional fields sent as JSON `null` mean "not given". */
export function withoutNulls<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], null> };
}
