import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { InvalidArgumentError, type OsqueryConfig } from '../../internal/fleet';
import { decodeBody } from './decode';
import { IsObjectRecord } from './record.validators';
import { dropChildReasons } from './validation-reasons';

// The topmost failing rule is the one reported, so presence and type checks sit on top.
const REQUIRED = { message: 'missing required argument' };
const OBJECT = { message: 'must be an object' };

export class OptionsOverridesPayload {
  /** Platform name → raw osquery config, delivered instead of the default to that platform. */
  @IsOptional() @IsObjectRecord({ maxEntries: 100, maxKeyLength: 255 }) platforms?: Record<string, OsqueryConfig> | null;
}

export class OptionsSpecPayload {
  /** Raw osquery config JSON; not checked against osquery's schema (Fleet did not either). */
  @IsDefined(REQUIRED) @IsObject(OBJECT) config!: OsqueryConfig;
  @IsOptional() @IsObject(OBJECT) @ValidateNested(OBJECT) @Type(() => OptionsOverridesPayload) overrides?: OptionsOverridesPayload | null;
}

export class ApplyOsqueryOptionsSpecRequest {
  @IsDefined(REQUIRED) @IsObject(OBJECT) @ValidateNested(OBJECT) @Type(() => OptionsSpecPayload) spec!: OptionsSpecPayload;
}

export function decodeApplyOsqueryOptionsSpec(body: unknown): ApplyOsqueryOptionsSpecRequest {
  try {
    return decodeBody(ApplyOsqueryOptionsSpecRequest, body);
  } catch (err) {
    throw err instanceof InvalidArgumentError ? dropChildReasons(err) : err;
  }
}
