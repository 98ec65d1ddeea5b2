import { IsBoolean, IsDefined, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const STRING = { message: 'must be a string' };
const BOOLEAN = { message: 'must be a boolean' };
const LONG = { message: 'is too long' };
const REQUIRED = { message: 'missing required argument' };
const USER_ID = { message: 'must be a user id' };

/** POST /invites. `invited_by` may be any existing user (Fleet does not force the caller). */
export class CreateInviteRequest {
  @IsString(STRING) @MaxLength(255, LONG) @IsDefined(REQUIRED) email!: string;
  @Max(2 ** 31 - 1, USER_ID) @Min(1, USER_ID) @IsInt(USER_ID) @IsDefined(REQUIRED) invited_by!: number;
  @IsBoolean(BOOLEAN) @IsDefined(REQUIRED) admin!: boolean;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) name?: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) position?: string;
  @IsOptional() @IsBoolean(BOOLEAN) sso_enabled?: boolean;
}
