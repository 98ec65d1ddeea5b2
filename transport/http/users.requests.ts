import { IsBoolean, IsDefined, IsOptional, IsString, MaxLength } from 'class-validator';

// Type and size checks only: which fields are required (and Fleet's
// `missing required argument` / `cannot be empty` reasons) is the service's rule, so the
// same checks hold for every caller of UserService.
const STRING = { message: 'must be a string' };
const BOOLEAN = { message: 'must be a boolean' };
const LONG = { message: 'is too long' };
const REQUIRED = { message: 'missing required argument' };

/** POST /users: sign-up with an invite. `admin` and `password_confirmation` are ignored. */
export class CreateUserWithInviteRequest {
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) username?: string;
  @IsOptional() @IsString(STRING) @MaxLength(1024, LONG) password?: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) email?: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) invite_token?: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) name?: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) position?: string;
  @IsOptional() @IsString(STRING) @MaxLength(2048, LONG) gravatar_url?: string;
  @IsOptional() @IsBoolean(BOOLEAN) sso_invite?: boolean;
  @IsOptional() @IsBoolean(BOOLEAN) sso_enabled?: boolean;
}

/** POST /users/admin: an admin creates a user without an invite. `invited_by` is ignored. */
export class CreateUserRequest {
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) username?: string;
  @IsOptional() @IsString(STRING) @MaxLength(1024, LONG) password?: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) email?: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) name?: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) position?: string;
  @IsOptional() @IsString(STRING) @MaxLength(2048, LONG) gravatar_url?: string;
  @IsOptional() @IsBoolean(BOOLEAN) admin?: boolean;
  @IsOptional() @IsBoolean(BOOLEAN) sso_enabled?: boolean;
  @IsOptional() @IsBoolean(BOOLEAN) admin_forced_password_reset?: boolean;
  /** Only accepted to be rejected with Fleet's reason. */
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) invite_token?: string;
}

/** PATCH /users/{id}. `admin` and `enabled` have their own endpoints and are ignored here. */
export class ModifyUserRequest {
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) username?: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) name?: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) email?: string;
  /** Only used to authorise a change of one's own email. */
  @IsOptional() @IsString(STRING) @MaxLength(1024, LONG) password?: string;
  @IsOptional() @IsString(STRING) @MaxLength(255, LONG) position?: string;
  @IsOptional() @IsString(STRING) @MaxLength(2048, LONG) gravatar_url?: string;
  @IsOptional() @IsBoolean(BOOLEAN) sso_enabled?: boolean;
}

// The reference read a missing boolean as `false` (disabling, demoting); we require it.
export class EnableUserRequest {
  @IsBoolean(BOOLEAN) @IsDefined(REQUIRED) enabled!: boolean;
}

export class AdminUserRequest {
  @IsBoolean(BOOLEAN) @IsDefined(REQUIRED) admin!: boolean;
}

export class RequirePasswordResetRequest {
  @IsBoolean(BOOLEAN) @IsDefined(REQUIRED) require!: boolean;
}
