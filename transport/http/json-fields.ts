import { BadRequestError, InvalidArgumentError } from '../../internal/fleet';
import { isPlainObject } from './record.validators';

/** The largest id a path or body may name (ids are 32-bit in the stores). */
export const MAX_BODY_ID = 2 ** 31 - 1;

export const MISSING = 'missing required argument';

/**
 * Reads typed fields out of a decoded JSON object, collecting one reason per bad field
 * (named `<prefix>.<field>`) in `invalid`. JSON `null` reads as absent. Type and size
 * checks only: which values make sense is the service's rule.
 */
export class JsonFields {
  constructor(
    readonly obj: Record<string, unknown>,
    readonly invalid: InvalidArgumentError = new InvalidArgumentError(),
    readonly prefix = '',
  ) {}

  /** The request body as an object; anything else (array, string, null) is a 400. */
  static body(body: unknown): JsonFields {
    if (!isPlainObject(body)) throw new BadRequestError('request body must be a JSON object');
    return new JsonFields(body);
  }

  at(field: string): string {
    return this.prefix ? `${this.prefix}.${field}` : field;
  }

  /** Present and not null. */
  has(field: string): boolean {
    const v = this.obj[field];
    return v !== undefined && v !== null;
  }

  private missing(field: string, required: boolean): undefined {
    if (required) this.invalid.append(this.at(field), MISSING);
    return undefined;
  }

  string(field: string, max: number, required = false): string | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return this.missing(field, required);
    if (typeof v !== 'string') this.invalid.append(this.at(field), 'must be a string');
    else if (v.length > max) this.invalid.append(this.at(field), 'is too long');
    else return v;
    return undefined;
  }

  bool(field: string, required = false): boolean | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return this.missing(field, required);
    if (typeof v !== 'boolean') {
      this.invalid.append(this.at(field), 'must be a boolean');
      return undefined;
    }
    return v;
  }

  /** A JSON number that is a (safe) integer; ranges are the service's. */
  int(field: string, required = false): number | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return this.missing(field, required);
    if (typeof v !== 'number' || !Number.isInteger(v)) this.invalid.append(this.at(field), 'must be an integer');
    else if (!Number.isSafeInteger(v)) this.invalid.append(this.at(field), 'is out of range');
    else return v;
    return undefined;
  }

  /** A positive 32-bit id. */
  id(field: string, required = false): number | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return this.missing(field, required);
    if (!isId(v)) {
      this.invalid.append(this.at(field), 'must be a positive integer');
      return undefined;
    }
    return v;
  }

  /** An array of positive ids (at most `max`). */
  ids(field: string, max: number, required = false): number[] | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return this.missing(field, required);
    if (!Array.isArray(v)) this.invalid.append(this.at(field), 'must be an array of positive integers');
    else if (v.length > max) this.invalid.append(this.at(field), `must have at most ${max} entries`);
    else if (!v.every(isId)) this.invalid.append(this.at(field), 'must be an array of positive integers');
    else return v as number[];
    return undefined;
  }

  /** An array of strings (at most `max` entries of at most `maxLength` characters). */
  strings(field: string, max: number, maxLength: number): string[] | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) this.invalid.append(this.at(field), 'must be an array of strings');
    else if (v.length > max) this.invalid.append(this.at(field), `must have at most ${max} entries`);
    else if (v.some((s: string) => s.length > maxLength)) this.invalid.append(this.at(field), `entries must be at most ${maxLength} characters`);
    else return v as string[];
    return undefined;
  }

  /** A nested object, read with the same reason list. */
  object(field: string, required = false): JsonFields | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return this.missing(field, required);
    if (!isPlainObject(v)) {
      this.invalid.append(this.at(field), 'must be an object');
      return undefined;
    }
    return new JsonFields(v, this.invalid, this.at(field));
  }

  /** An array of objects, each read with the same reason list (`<field>.<i>`). */
  objects(field: string, max: number, required = false): Array<JsonFields | undefined> | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return this.missing(field, required);
    if (!Array.isArray(v)) {
      this.invalid.append(this.at(field), 'must be an array');
      return undefined;
    }
    if (v.length > max) {
      this.invalid.append(this.at(field), `must have at most ${max} entries`);
      return undefined;
    }
    return v.map((item: unknown, i) => {
      if (isPlainObject(item)) return new JsonFields(item, this.invalid, this.at(`${field}.${i}`));
      this.invalid.append(this.at(`${field}.${i}`), 'must be an object');
      return undefined;
    });
  }

  /** Throws the collected reasons (422) when any field failed. */
  done(): void {
    this.invalid.throwIfAny();
  }
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_BODY_ID;
}
