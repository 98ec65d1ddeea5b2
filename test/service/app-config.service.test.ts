import { InmemDatastore } from '../../datastore/inmem/inmem-datastore';
import type { AppConfig, Viewer } from '../../internal/fleet';
import type { MailMessage, Mailer, SmtpSettings } from '../../internal/mail/mailer';
import { AppConfigServiceImpl } from '../../service/app-config.service';
import { silentLogger } from '../support/silent-logger';

/** An in-memory store whose config reads take a while, so overlapping changes interleave. */
class SlowConfigStore extends InmemDatastore {
  override async appConfig(): Promise<AppConfig> {
    const c = await super.appConfig();
    await new Promise((r) => setTimeout(r, 20));
    return c;
  }
}

class RecordingMailer implements Mailer {
  sent: Array<{ smtp: SmtpSettings; message: MailMessage }> = [];
  async send(smtp: SmtpSettings, message: MailMessage): Promise<void> {
    this.sent.push({ smtp, message });
  }
}

const viewer = { user: { email: 'admin@example.com' } } as Viewer;

describe('AppConfigServiceImpl', () => {
  it('applies overlapping changes one after the other, so none loses the other’s fields', async () => {
    const ds = new SlowConfigStore();
    const svc = new AppConfigServiceImpl(ds, new RecordingMailer(), { enabled: false, certPath: '' }, silentLogger);
    await Promise.all([
      svc.modifyAppConfig(viewer, { org_info: { org_name: 'Concurrent' } }),
      svc.modifyAppConfig(viewer, { server_settings: { live_query_disabled: true } }),
      svc.modifyAppConfig(viewer, { host_expiry_settings: { host_expiry_enabled: true, host_expiry_window: 3 } }),
    ]);
    const c = await ds.appConfig();
    expect(c.org_info.org_name).toBe('Concurrent');
    expect(c.server_settings.live_query_disabled).toBe(true);
    expect(c.host_expiry_settings).toEqual({ host_expiry_enabled: true, host_expiry_window: 3 });
  });

  it('a failed change does not block the next one', async () => {
    const ds = new InmemDatastore();
    const svc = new AppConfigServiceImpl(ds, new RecordingMailer(), { enabled: false, certPath: '' }, silentLogger);
    await expect(svc.modifyAppConfig(viewer, { smtp_settings: { port: 0 } })).rejects.toThrow();
    await svc.modifyAppConfig(viewer, { org_info: { org_name: 'Next' } });
    expect((await ds.appConfig()).org_info.org_name).toBe('Next');
  });

  it('tests SMTP with the merged settings, marked configured, addressed to the viewer', async () => {
    const ds = new InmemDatastore();
    const mailer = new RecordingMailer();
    const svc = new AppConfigServiceImpl(ds, mailer, { enabled: false, certPath: '' }, silentLogger);
    await svc.modifyAppConfig(viewer, { smtp_settings: { server: 'smtp.old' } });
    const saved = await svc.modifyAppConfig(viewer, { smtp_settings: { enable_smtp: true, port: 2525 } });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]!.message).toMatchObject({ to: 'admin@example.com', subject: 'Hello from Fleet' });
    expect(mailer.sent[0]!.smtp).toMatchObject({ server: 'smtp.old', port: 2525, configured: true });
    expect(saved.smtp_settings.configured).toBe(true);
  });
});
