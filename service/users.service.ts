import { inject, injectable } from 'inversify';
import type { Clock } from '../internal/clock/clock';
import type { FleetConfig } from '../internal/config/config';
import { TYPES } from '../internal/container/identifiers';
import type { PasswordHasher } from '../internal/crypto/passwords';
import { hashToken, randomToken } from '../internal/crypto/tokens';
import {
  AlreadyExistsError,
  InvalidArgumentError,
  NotFoundError,
  PermissionError,
  UnprocessableError,
  type CreateUserInput,
  type Datastore,
  type ListOptions,
  type ModifyUserInput,
  type User,
  type UserService,
  type Viewer,
} from '../internal/fleet';
import type { Logger } from '../internal/logging';
import type { Mailer } from '../internal/mail/mailer';
import { emailChangeMail, passwordResetMail } from '../internal/mail/templates';
import { mailBaseUrl } from './mail-base-url';
import { REUSED_PASSWORD, notEmptyIfGiven, oneTimeTokenBytes, requireField, requireNewPassword } from './user-validation';

/** Fleet's rule (validation_users.go): the admin path rejects an invite token. */
const INVITE_TOKEN_WITH_ADMIN = 'should not be specified with admin user creation';
const INVALID_RESET_TOKEN = 'invalid or expired password reset token';

@injectable()
export class UserServiceImpl implements UserService {
  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.Config) private readonly config: FleetConfig,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.PasswordHasher) private readonly hasher: PasswordHasher,
    @inject(TYPES.Mailer) private readonly mailer: Mailer,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  listUsers(opts: ListOptions): Promise<User[]> {
    return this.ds.listUsers(opts);
  }

  user(id: number): Promise<User> {
    return this.ds.user(id);
  }

  async createUserFromInvite(input: CreateUserInput): Promise<User> {
    const sso = input.sso_invite === true || input.sso_enabled === true;
    const invalid = new InvalidArgumentError();
    requireField(invalid, 'username', input.username);
    if (!sso) requireNewPassword(invalid, 'password', input.password);
    requireField(invalid, 'email', input.email);
    requireField(invalid, 'invite_token', input.invite_token);
    invalid.throwIfAny();

    const invite = await this.liveInvite(input.invite_token!);
    const user = await this.ds.newUser({
      username: input.username!,
      email: input.email!,
      name: input.name ?? invite.name,
      position: input.position ?? invite.position,
      gravatar_url: input.gravatar_url ?? '',
      // The invite, not the sign-up body, decides whether the new user is an admin.
      admin: invite.admin,
      enabled: true,
      force_password_reset: false,
      sso_enabled: sso || invite.sso_enabled,
      ...(await this.hasher.hash(sso || invite.sso_enabled ? this.hasher.randomPassword() : input.password!)),
    });
    await this.ds.deleteInvite(invite.id).catch((err) => {
      // Already gone (a concurrent sign-up): the user exists, which is what was asked.
      if (!(err instanceof NotFoundError)) throw err;
    });
    return user;
  }

  /** The invite of a token: NotFoundError when unknown (the token is not echoed), 422 when expired. */
  private async liveInvite(token: string) {
    const invite = await this.ds.inviteByTokenHash(hashToken(token));
    if (!invite) throw new NotFoundError('Invite', 'with token');
    const validMs = this.config.app.invite_token_validity_seconds * 1000;
    if (this.clock.now().getTime() - invite.created_at.getTime() > validMs) {
      throw new InvalidArgumentError('invite_token', 'Invite token has expired.');
    }
    return invite;
  }

  async createUser(input: CreateUserInput): Promise<User> {
    const sso = input.sso_enabled === true;
    const invalid = new InvalidArgumentError();
    requireField(invalid, 'username', input.username);
    if (!sso && input.sso_invite !== true) requireNewPassword(invalid, 'password', input.password);
    requireField(invalid, 'email', input.email);
    if (input.invite_token !== undefined) invalid.append('invite_token', INVITE_TOKEN_WITH_ADMIN);
    invalid.throwIfAny();

    return this.ds.newUser({
      username: input.username!,
      email: input.email!,
      name: input.name ?? '',
      position: input.position ?? '',
      gravatar_url: input.gravatar_url ?? '',
      admin: input.admin ?? false,
      enabled: true,
      force_password_reset: input.admin_forced_password_reset ?? false,
      sso_enabled: sso,
      ...(await this.hasher.hash(sso || input.password === undefined ? this.hasher.randomPassword() : input.password)),
    });
  }

  async modifyUser(viewer: Viewer, id: number, patch: ModifyUserInput): Promise<User> {
    const self = viewer.user.id === id;
    const invalid = new InvalidArgumentError();
    notEmptyIfGiven(invalid, 'username', patch.username);
    notEmptyIfGiven(invalid, 'name', patch.name);
    notEmptyIfGiven(invalid, 'email', patch.email);
    if (self && patch.email && patch.email !== viewer.user.email && !patch.password) {
      invalid.append('password', 'cannot be empty if email is changed');
    }
    invalid.throwIfAny();

    const user = await this.ds.user(id);
    const newEmail = patch.email !== undefined && patch.email !== user.email ? patch.email : undefined;

    // Everything that can fail is checked before anything is sent or saved.
    if (newEmail !== undefined && self) {
      if (!(await this.hasher.verify(patch.password ?? '', user.password_hash, user.salt))) {
        throw new PermissionError('incorrect password', 'password');
      }
    }
    // Only an admin may switch SSO on or off: a user turning it off could bypass enforced SSO.
    if (patch.sso_enabled !== undefined && patch.sso_enabled !== user.sso_enabled && !viewer.user.admin) {
      throw new PermissionError('only an admin can change sso_enabled');
    }
    if (patch.username !== undefined) {
      const holder = await this.ds.userByUsername(patch.username);
      if (holder && holder.id !== user.id) throw new AlreadyExistsError('User', patch.username);
    }
    let emailChange: { token: string; baseUrl: string } | undefined;
    if (newEmail !== undefined) {
      const holder = await this.ds.userByEmail(newEmail);
      if (holder && holder.id !== user.id) throw new AlreadyExistsError('User', newEmail);
      const app = await this.ds.appConfig();
      if (!app.smtp_settings.configured) {
        throw new InvalidArgumentError(
          'email',
          'cannot be changed while SMTP is not configured: the confirmation mail could not be sent',
        );
      }
      emailChange = { token: randomToken(oneTimeTokenBytes(this.config.app.token_key_size)), baseUrl: mailBaseUrl(app, this.config) };
      // Sent before saving: if the mail fails nothing is changed (MailError).
      const content = emailChangeMail({ baseUrl: emailChange.baseUrl, token: emailChange.token, newEmail });
      await this.mailer.send(app.smtp_settings, { to: newEmail, ...content });
    }

    if (patch.username !== undefined) user.username = patch.username;
    if (patch.name !== undefined) user.name = patch.name;
    if (patch.position !== undefined) user.position = patch.position;
    if (patch.gravatar_url !== undefined) user.gravatar_url = patch.gravatar_url;
    if (patch.sso_enabled !== undefined) user.sso_enabled = patch.sso_enabled;
    const saved = await this.ds.saveUser(user);
    if (emailChange && newEmail !== undefined) {
      await this.ds.newPendingEmailChange(user.id, newEmail, hashToken(emailChange.token));
      this.logger.info('email change requested', { user_id: user.id });
    }
    // The stored email changes only when the new address is confirmed.
    return saved;
  }

  async enableUser(id: number, enabled: boolean): Promise<User> {
    const user = await this.ds.user(id);
    user.enabled = enabled;
    const saved = await this.ds.saveUser(user);
    // Policy: a disabled account loses its sessions at once.
    if (!enabled) await this.ds.destroyAllSessionsForUser(id);
    return saved;
  }

  async setAdmin(id: number, admin: boolean): Promise<User> {
    const user = await this.ds.user(id);
    user.admin = admin;
    return this.ds.saveUser(user);
  }

  async requirePasswordReset(id: number, require: boolean): Promise<User> {
    const user = await this.ds.user(id);
    if (user.sso_enabled) throw new UnprocessableError('password reset for single sign on user not allowed');
    user.force_password_reset = require;
    const saved = await this.ds.saveUser(user);
    if (require) await this.ds.destroyAllSessionsForUser(id);
    return saved;
  }

  async changePassword(viewer: Viewer, oldPassword: string, newPassword: string): Promise<void> {
    const invalid = new InvalidArgumentError();
    requireField(invalid, 'old_password', oldPassword);
    requireNewPassword(invalid, 'new_password', newPassword);
    invalid.throwIfAny();
    const user = await this.ds.user(viewer.user.id);
    if (user.sso_enabled) throw new UnprocessableError('change password for single sign on user not allowed');
    if (await this.hasher.verify(newPassword, user.password_hash, user.salt)) {
      throw new InvalidArgumentError('new_password', REUSED_PASSWORD);
    }
    if (!(await this.hasher.verify(oldPassword, user.password_hash, user.salt))) {
      throw new InvalidArgumentError('old_password', 'old password does not match');
    }
    await this.setPassword(user, newPassword);
  }

  async forgotPassword(email: string): Promise<void> {
    // No account enumeration: the caller always gets the same answer; reasons are only logged.
    const user = email ? await this.ds.userByEmail(email) : null;
    if (!user) {
      this.logger.info('forgot password: no user with that email');
      return;
    }
    if (user.sso_enabled) {
      this.logger.info('forgot password: refused for single sign on user', { user_id: user.id });
      return;
    }
    const app = await this.ds.appConfig();
    if (!app.smtp_settings.configured) {
      this.logger.warn('forgot password: reset mail not sent, SMTP is not configured', { user_id: user.id });
      return;
    }
    const token = randomToken(oneTimeTokenBytes(this.config.app.token_key_size));
    const validSeconds = this.config.app.password_reset_validity_seconds;
    await this.ds.newPasswordResetRequest(user.id, hashToken(token), new Date(this.clock.now().getTime() + validSeconds * 1000));
    const content = passwordResetMail({
      baseUrl: mailBaseUrl(app, this.config),
      token,
      validHours: Math.round(validSeconds / 3600),
    });
    // Sent in the background so the response time does not tell whether the account exists.
    void this.mailer.send(app.smtp_settings, { to: user.email, ...content }).then(
      () => this.logger.info('forgot password: reset mail sent', { user_id: user.id }),
      (err) => this.logger.error('forgot password: sending reset mail failed', { user_id: user.id, error: String(err?.message ?? err) }),
    );
  }

  async resetPassword(token: string, newPassword: string): Promise<void> {
    const invalid = new InvalidArgumentError();
    requireField(invalid, 'password_reset_token', token);
    requireNewPassword(invalid, 'new_password', newPassword);
    invalid.throwIfAny();

    const request = await this.ds.passwordResetByTokenHash(hashToken(token));
    if (!request || request.expires_at.getTime() <= this.clock.now().getTime()) {
      throw new InvalidArgumentError('password_reset_token', INVALID_RESET_TOKEN);
    }
    let user: User;
    try {
      user = await this.ds.user(request.user_id);
    } catch (err) {
      if (err instanceof NotFoundError) throw new InvalidArgumentError('password_reset_token', INVALID_RESET_TOKEN);
      throw err;
    }
    if (user.sso_enabled) throw new UnprocessableError('password reset for single sign on user not allowed');
    if (await this.hasher.verify(newPassword, user.password_hash, user.salt)) {
      throw new InvalidArgumentError('new_password', REUSED_PASSWORD);
    }
    // The user chose a new password themselves, which is what a required reset asks for.
    await this.setPassword(user, newPassword, { clearForcedReset: true });
    await this.ds.deletePasswordResetsForUser(user.id);
    await this.ds.destroyAllSessionsForUser(user.id);
  }

  async performRequiredPasswordReset(viewer: Viewer, newPassword: string): Promise<User> {
    const invalid = new InvalidArgumentError();
    requireNewPassword(invalid, 'new_password', newPassword);
    invalid.throwIfAny();
    const user = await this.ds.user(viewer.user.id);
    if (user.sso_enabled) throw new UnprocessableError('password reset for single sign on user not allowed');
    if (!user.force_password_reset) throw new PermissionError('cannot reset password');
    if (await this.hasher.verify(newPassword, user.password_hash, user.salt)) {
      throw new InvalidArgumentError('new_password', REUSED_PASSWORD);
    }
    return this.setPassword(user, newPassword, { clearForcedReset: true });
  }

  async changeEmail(viewer: Viewer, token: string): Promise<string> {
    if (!token) throw new NotFoundError('email change', 'with token');
    try {
      return await this.ds.confirmPendingEmailChange(viewer.user.id, hashToken(token));
    } catch (err) {
      // The store names the user; the client only learns that this token is not theirs.
      if (err instanceof NotFoundError) throw new NotFoundError('email change', 'with token');
      throw err;
    }
  }

  /** New salt and hash for every password set. */
  private async setPassword(user: User, password: string, opts: { clearForcedReset?: boolean } = {}): Promise<User> {
    Object.assign(user, await this.hasher.hash(password));
    if (opts.clearForcedReset) user.force_password_reset = false;
    return this.ds.saveUser(user);
  }
}

