import { IsDefined, IsString, MaxLength } from 'class-validator';

const STRING = { message: 'must be a string' };
const LONG = { message: 'is too long' };
const REQUIRED = { message: 'missing required argument' };

export class ForgotPasswordRequest {
  @IsString(STRING) @MaxLength(255, LONG) @IsDefined(REQUIRED) email!: string;
}

/** `new_password_confirmation` (seed doc) is ignored. */
export class ResetPasswordRequest {
  @IsString(STRING) @MaxLength(255, LONG) @IsDefined(REQUIRED) password_reset_token!: string;
  @IsString(STRING) @MaxLength(1024, LONG) @IsDefined(REQUIRED) new_password!: string;
}

export class ChangePasswordRequest {
  @IsString(STRING) @MaxLength(1024, LONG) @IsDefined(REQUIRED) old_password!: string;
  @IsString(STRING) @MaxLength(1024, LONG) @IsDefined(REQUIRED) new_password!: string;
}

export class PerformRequiredPasswordResetRequest {
  @IsString(STRING) @MaxLength(1024, LONG) @IsDefined(REQUIRED) new_password!: string;
}
