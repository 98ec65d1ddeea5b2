import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

const REQUIRED = { message: 'missing required argument' };
const STRING = { message: 'must be a string' };
const LONG = { message: 'is too long' };

export class SetupAdminPayload {
  @IsString(STRING) @MaxLength(255, LONG) @IsDefined(REQUIRED) username!: string;
  @IsString(STRING) @MaxLength(255, LONG) @IsDefined(REQUIRED) email!: string;
  @IsString(STRING) @MaxLength(1024, LONG) @IsDefined(REQUIRED) password!: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) name?: string;
  @IsOptional() @IsBoolean({ message: 'must be a boolean' }) admin?: boolean;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) position?: string;
  @IsOptional() @IsString(STRING) @MaxLength(1024, LONG) gravatar_url?: string;
}

export class SetupOrgInfoPayload {
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) org_name?: string;
  @IsOptional() @IsString(STRING) @MaxLength(2048, LONG) org_logo_url?: string;
}

export class SetupRequest {
  @ValidateNested()
  @Type(() => SetupAdminPayload)
  @IsObject({ message: 'must be an object' })
  @IsDefined(REQUIRED)
  admin!: SetupAdminPayload;

  @IsOptional()
  @ValidateNested()
  @Type(() => SetupOrgInfoPayload)
  @IsObject({ message: 'must be an object' })
  org_info?: SetupOrgInfoPayload;

  @IsString(STRING) @MaxLength(2048, LONG) @IsDefined(REQUIRED) kolide_server_url!: string;
}
