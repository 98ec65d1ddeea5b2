import { inject, injectable, optional } from 'inversify';
import type { InvalidationBus } from '../internal/cache/invalidation-bus';
import { TYPES } from '../internal/container/identifiers';
import {
  InvalidArgumentError,
  MailError,
  UnprocessableError,
  type AppConfig,
  type AppConfigPatch,
  type AppConfigService,
  type Datastore,
  type EnrollSecret,
  type EnrollSecretInput,
  type OptionsSpec,
  type Viewer,
} from '../internal/fleet';
import type { Logger } from '../internal/logging';
import type { Mailer } from '../internal/mail/mailer';
import { smtpTestMail } from '../internal/mail/templates';
import { readCertificateChain } from '../internal/tls/certificate-chain';
import type { TlsInfo } from '../internal/tls/tls-info';
import { mergeAppConfig, smtpAction, validateAppConfigPatch } from './app-config-merge';

export const NO_TLS_REASON = 'this server does not serve TLS; certificate chain is unavailable';

@injectable()
export class AppConfigServiceImpl implements AppConfigService {
  /**
   * Config changes are read-merge-write; run them one at a time in this process so two
   * concurrent PATCHes cannot lose each other's fields.
   */
  private modifying: Promise<unknown> = Promise.resolve();

  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.Mailer) private readonly mailer: Mailer,
    @inject(TYPES.TlsInfo) private readonly tls: TlsInfo,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(TYPES.InvalidationBus) @optional() private readonly bus?: InvalidationBus,
  ) {}

  appConfig(): Promise<AppConfig> {
    return this.ds.appConfig();
  }

  modifyAppConfig(viewer: Viewer, patch: AppConfigPatch): Promise<AppConfig> {
    const run = this.modifying.then(
      () => this.applyPatch(viewer, patch),
      () => this.applyPatch(viewer, patch),
    );
    this.modifying = run.catch(() => undefined);
    return run;
  }

  private async applyPatch(viewer: Viewer, patch: AppConfigPatch): Promise<AppConfig> {
    const stored = await this.ds.appConfig();
    validateAppConfigPatch(stored, patch).throwIfAny();
    const merged = mergeAppConfig(stored, patch);
    switch (smtpAction(stored, patch)) {
      case 'test':
        await this.sendTestMail(viewer.user.email, merged.smtp_settings);
        merged.smtp_settings.configured = true;
        break;
      case 'disable':
        merged.smtp_settings.configured = false;
        break;
      case 'keep':
        break;
    }
    // Host expiry settings are stored here; the hourly expiry job arrives with hosts.
    await this.ds.saveAppConfig(merged);
    // Agent caches hold additional_queries and host expiry settings.
    this.bus?.publish({ kind: 'app-config-changed' });
    return merged;
  }

  /** The test mail goes to the admin who asked, through the settings about to be saved. */
  private async sendTestMail(to: string, smtp: AppConfig['smtp_settings']): Promise<void> {
    const mail = smtpTestMail();
    try {
      await this.mailer.send({ ...smtp, configured: true }, { to, ...mail });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.warn('SMTP test mail failed; app config not saved', { to, server: smtp.server, port: smtp.port, reason });
      throw new MailError(reason.startsWith('sending mail') ? reason : `sending mail: ${reason}`);
    }
  }

  enrollSecrets(): Promise<EnrollSecret[]> {
    return this.ds.enrollSecrets();
  }

  /** Upsert by name (one transaction in the store); a name listed twice is ambiguous: 422. */
  async applyEnrollSecrets(secrets: EnrollSecretInput[]): Promise<void> {
    const seen = new Set<string>();
    const invalid = new InvalidArgumentError();
    for (const { name } of secrets) {
      if (seen.has(name)) invalid.append('secrets', `name "${name}" is listed more than once`);
      seen.add(name);
    }
    invalid.throwIfAny();
    if (secrets.length > 0) await this.ds.applyEnrollSecrets(secrets);
  }

  osqueryOptions(): Promise<OptionsSpec> {
    return this.ds.osqueryOptions();
  }

  async applyOsqueryOptions(spec: OptionsSpec): Promise<void> {
    const platforms = spec.overrides?.platforms ?? {};
    await this.ds.applyOsqueryOptions({
      config: spec.config,
      overrides: Object.keys(platforms).length > 0 ? { platforms } : {},
    });
    // Agents fetch their config from a cache of these options: rebuild it.
    this.bus?.publish({ kind: 'agent-config-changed' });
  }

  async certificateChain(): Promise<string> {
    if (!this.tls.enabled || !this.tls.certPath) throw new UnprocessableError(NO_TLS_REASON);
    return readCertificateChain(this.tls.certPath);
  }
}
