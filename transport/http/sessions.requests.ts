import { IsDefined, IsString, MaxLength } from 'class-validator';

export class LoginRequest {
  @IsString({ message: 'must be a string' })
  @MaxLength(255, { message: 'is too long' })
  @IsDefined({ message: 'missing required argument' })
  username!: string;

  @IsString({ message: 'must be a string' })
  @MaxLength(1024, { message: 'is too long' })
  @IsDefined({ message: 'missing required argument' })
  password!: string;
}
