// Request objects of PATCH /config. Decorator order matters for the reported reason:
// the topmost failing rule is the one reported, so the type check sits on top.
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import {
  InvalidArgumentError,
  SMTP_AUTH_METHODS,
  SMTP_AUTH_TYPES,
  type AppConfigPatch,
  type SmtpAuthMethod,
  type SmtpAuthType,
} from '../../internal/fleet';
import { decodeBody } from './decode';
import { IsStringRecord } from './record.validators';
import { dropChildReasons } from './validation-reasons';

const STRING = { message: 'must be a string' };
const BOOLEAN = { message: 'must be a boolean' };
const INTEGER = { message: 'must be an integer' };
const OBJECT = { message: 'must be an object' };
const LONG = { message: 'is too long' };

/** Longest host expiry window: 100 years, in days. */
export const MAX_HOST_EXPIRY_WINDOW_DAYS = 36500;

export class OrgInfoPatch {
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) org_name?: string | null;
  @IsOptional() @IsString(STRING) @MaxLength(2048, LONG) org_logo_url?: string | null;
}

export class ServerSettingsPatch {
  @IsOptional() @IsString(STRING) @MaxLength(2048, LONG) kolide_server_url?: string | null;
  @IsOptional() @IsBoolean(BOOLEAN) live_query_disabled?: boolean | null;
}

export class SmtpSettingsPatch {
  @IsOptional() @IsBoolean(BOOLEAN) enable_smtp?: boolean | null;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) sender_address?: string | null;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) server?: string | null;
  @IsOptional()
  @IsInt(INTEGER)
  @Min(1, { message: 'must be between 1 and 65535' })
  @Max(65535, { message: 'must be between 1 and 65535' })
  port?: number | null;
  @IsOptional()
  @IsString(STRING)
  @IsIn(SMTP_AUTH_TYPES, { message: `must be one of ${SMTP_AUTH_TYPES.join(', ')}` })
  authentication_type?: SmtpAuthType | null;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) user_name?: string | null;
  @IsOptional() @IsString(STRING) @MaxLength(1024, LONG) password?: string | null;
  @IsOptional() @IsBoolean(BOOLEAN) enable_ssl_tls?: boolean | null;
  @IsOptional()
  @IsString(STRING)
  @IsIn(SMTP_AUTH_METHODS, { message: `must be one of ${SMTP_AUTH_METHODS.join(', ')}` })
  authentication_method?: SmtpAuthMethod | null;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) domain?: string | null;
  @IsOptional() @IsBoolean(BOOLEAN) verify_ssl_certs?: boolean | null;
  @IsOptional() @IsBoolean(BOOLEAN) enable_start_tls?: boolean | null;
}

export class SsoSettingsPatch {
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) entity_id?: string | null;
  @IsOptional() @IsString(STRING) @MaxLength(2048, LONG) issuer_uri?: string | null;
  @IsOptional() @IsString(STRING) @MaxLength(2048, LONG) idp_image_url?: string | null;
  @IsOptional() @IsString(STRING) @MaxLength(65535, LONG) metadata?: string | null;
  @IsOptional() @IsString(STRING) @MaxLength(2048, LONG) metadata_url?: string | null;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) idp_name?: string | null;
  @IsOptional() @IsBoolean(BOOLEAN) enable_sso?: boolean | null;
}

export class HostExpirySettingsPatch {
  @IsOptional() @IsBoolean(BOOLEAN) host_expiry_enabled?: boolean | null;
  @IsOptional()
  @IsInt(INTEGER)
  @Min(0, { message: 'must be 0 or more' })
  @Max(MAX_HOST_EXPIRY_WINDOW_DAYS, { message: `must be at most ${MAX_HOST_EXPIRY_WINDOW_DAYS} (days)` })
  host_expiry_window?: number | null;
}

export class HostSettingsPatch {
  @IsOptional()
  @IsStringRecord({ maxEntries: 1000, maxKeyLength: 255, maxValueLength: 65535 })
  additional_queries?: Record<string, string> | null;
}

export class ModifyAppConfigRequest {
  @IsOptional() @IsObject(OBJECT) @ValidateNested(OBJECT) @Type(() => OrgInfoPatch) org_info?: OrgInfoPatch | null;
  @IsOptional()
  @IsObject(OBJECT)
  @ValidateNested(OBJECT)
  @Type(() => ServerSettingsPatch)
  server_settings?: ServerSettingsPatch | null;
  @IsOptional() @IsObject(OBJECT) @ValidateNested(OBJECT) @Type(() => SmtpSettingsPatch) smtp_settings?: SmtpSettingsPatch | null;
  @IsOptional() @IsObject(OBJECT) @ValidateNested(OBJECT) @Type(() => SsoSettingsPatch) sso_settings?: SsoSettingsPatch | null;
  @IsOptional()
  @IsObject(OBJECT)
  @ValidateNested(OBJECT)
  @Type(() => HostExpirySettingsPatch)
  host_expiry_settings?: HostExpirySettingsPatch | null;
  @IsOptional() @IsObject(OBJECT) @ValidateNested(OBJECT) @Type(() => HostSettingsPatch) host_settings?: HostSettingsPatch | null;
}

/**
 * Decodes a PATCH /config body. Reasons are named by the field alone (`port`,
 * `authentication_type`), as Fleet names its config errors and its UI's flat form
 * expects; a section of the wrong type is named by the section and hides its children.
 */
export function decodeAppConfigPatch(body: unknown): AppConfigPatch {
  try {
    return decodeBody(ModifyAppConfigRequest, body);
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    throw dropChildReasons(err, (name) => name.split('.').slice(1).join('.') || name);
  }
}

