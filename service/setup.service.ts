import { inject, injectable } from 'inversify';
import { TYPES } from '../internal/container/identifiers';
import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from '../internal/crypto/passwords';
import { passwordMeetsComplexity, PASSWORD_COMPLEXITY_REASON } from '../internal/crypto/passwords';
import {
  InvalidArgumentError,
  NotFoundError,
  type Datastore,
  type SessionService,
  type SetupInput,
  type SetupResult,
  type SetupService,
} from '../internal/fleet';
import { normalizeServerUrl } from './server-url';

@injectable()
export class SetupServiceImpl implements SetupService {
  /** Once a user exists setup never becomes required again, so stop asking the store. */
  private done = false;

  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.PasswordHasher) private readonly hasher: PasswordHasher,
    @inject(TYPES.SessionService) private readonly sessions: SessionService,
  ) {}

  async setupRequired(): Promise<boolean> {
    if (this.done) return false;
    const required = (await this.ds.countUsers()) === 0;
    if (!required) this.done = true;
    return required;
  }

  async setup(input: SetupInput): Promise<SetupResult> {
    if (!(await this.setupRequired())) throw new NotFoundError('Setup', 'route');
    const invalid = new InvalidArgumentError();
    const url = normalizeServerUrl(input.kolide_server_url);
    if (!url.ok) invalid.append('kolide_server_url', url.reason);
    const { username, email, password } = input.admin;
    if (!username) invalid.append('admin.username', 'cannot be empty');
    if (!email) invalid.append('admin.email', 'cannot be empty');
    if (!password) invalid.append('admin.password', 'cannot be empty');
    else if (!passwordMeetsComplexity(password)) invalid.append('admin.password', PASSWORD_COMPLEXITY_REASON);
    invalid.throwIfAny();

    const hashed = await this.hasher.hash(password);
    // Create the admin first: a duplicate setup race fails here before touching settings.
    const admin = await this.ds.newUser({
      username,
      email: email.toLowerCase(),
      name: input.admin.name ?? '',
      position: input.admin.position ?? '',
      gravatar_url: input.admin.gravatar_url ?? '',
      admin: input.admin.admin ?? false,
      enabled: true,
      force_password_reset: false,
      sso_enabled: false,
      ...hashed,
    });
    this.done = true;

    const config = await this.ds.appConfig();
    config.org_info.org_name = input.org_info?.org_name ?? '';
    config.org_info.org_logo_url = input.org_info?.org_logo_url ?? '';
    config.server_settings.kolide_server_url = url.ok ? url.url : '';
    await this.ds.saveAppConfig(config);

    const existing = await this.ds.enrollSecrets();
    if (!existing.some((s) => s.name === 'default')) {
      await this.ds.applyEnrollSecrets([
        { name: 'default', secret: randomBytes(24).toString('base64'), active: true },
      ]);
    }
    const token = await this.sessions.makeSession(admin);
    return { admin, org_info: config.org_info, kolide_server_url: config.server_settings.kolide_server_url, token };
  }
}
