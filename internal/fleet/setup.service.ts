import type { User } from './users';

export interface SetupInput {
  admin: { username: string; email: string; password: string; name?: string; admin?: boolean; position?: string; gravatar_url?: string };
  org_info?: { org_name?: string; org_logo_url?: string };
  kolide_server_url: string;
}

export interface SetupResult {
  admin: User;
  org_info: { org_name: string; org_logo_url: string };
  kolide_server_url: string;
  token: string;
}

export interface SetupService {
  /** True while no user exists. */
  setupRequired(): Promise<boolean>;
  setup(input: SetupInput): Promise<SetupResult>;
}
