import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { InvalidArgumentError } from '../../internal/fleet';
import { decodeBody } from './decode';
import { isPlainObject } from './record.validators';
import { dropChildReasons } from './validation-reasons';

// The topmost failing rule is the one reported, so type and presence checks sit on top.
const REQUIRED = { message: 'missing required argument' };
const STRING = { message: 'must be a string' };
const LONG = { message: 'is too long' };
const EMPTY = { message: 'must not be empty' };
const OBJECT = { message: 'must be an object' };

export const MAX_SECRETS_PER_SPEC = 1000;

export class EnrollSecretPayload {
  @IsDefined(REQUIRED) @IsString(STRING) @IsNotEmpty(EMPTY) @MaxLength(255, LONG) name!: string;
  @IsDefined(REQUIRED) @IsString(STRING) @IsNotEmpty(EMPTY) @MaxLength(255, LONG) secret!: string;
  /** Absent means false (Fleet: applying a secret without `active` deactivates it). */
  @IsOptional() @IsBoolean({ message: 'must be a boolean' }) active?: boolean;
}

export class EnrollSecretSpecPayload {
  @IsDefined(REQUIRED)
  @IsArray({ message: 'must be an array' })
  @ArrayMaxSize(MAX_SECRETS_PER_SPEC, { message: `must have at most ${MAX_SECRETS_PER_SPEC} secrets` })
  @ValidateNested({ each: true, message: 'must be an object' })
  @Type(() => EnrollSecretPayload)
  secrets!: EnrollSecretPayload[];
}

export class ApplyEnrollSecretSpecRequest {
  @IsDefined(REQUIRED)
  @IsObject(OBJECT)
  @ValidateNested(OBJECT)
  @Type(() => EnrollSecretSpecPayload)
  spec!: EnrollSecretSpecPayload;
}

export function decodeApplyEnrollSecretSpec(body: unknown): ApplyEnrollSecretSpecRequest {
  // class-validator reports a primitive `secrets` with the items' message; say it plainly.
  const spec = isPlainObject(body) ? body.spec : undefined;
  const secrets = isPlainObject(spec) ? spec.secrets : undefined;
  if (secrets !== undefined && secrets !== null && !Array.isArray(secrets)) {
    throw new InvalidArgumentError('spec.secrets', 'must be an array');
  }
  try {
    return decodeBody(ApplyEnrollSecretSpecRequest, body);
  } catch (err) {
    throw err instanceof InvalidArgumentError ? dropChildReasons(err) : err;
  }
}
