import { defaultAppConfig, SMTP_PASSWORD_MASK, type AppConfig, type AppConfigPatch } from '../../internal/fleet';
import {
  mergeAppConfig,
  serverUrlProblem,
  smtpAction,
  trimServerUrl,
  validateAppConfigPatch,
} from '../../service/app-config-merge';

/** A stored config with something in every section. */
function stored(): AppConfig {
  const c = defaultAppConfig();
  c.org_info = { org_name: 'Acme', org_logo_url: 'https://acme.test/logo.png' };
  c.server_settings = { kolide_server_url: 'https://fleet.acme.test', live_query_disabled: false };
  Object.assign(c.smtp_settings, {
    configured: true,
    sender_address: 'fleet@acme.test',
    server: 'smtp.acme.test',
    user_name: 'fleet',
    password: 'stored-pw',
  });
  Object.assign(c.sso_settings, { entity_id: 'fleet.acme', idp_name: 'Okta', metadata_url: 'https://idp/m' });
  c.host_expiry_settings = { host_expiry_enabled: true, host_expiry_window: 30 };
  c.host_settings = { additional_queries: { time: 'select * from time' } };
  return c;
}

const reasons = (s: AppConfig, p: AppConfigPatch) => validateAppConfigPatch(s, p).reasons;

describe('mergeAppConfig', () => {
  it('returns the stored config unchanged for an empty patch', () => {
    expect(mergeAppConfig(stored(), {})).toEqual(stored());
  });

  it('overwrites present fields and keeps every other field of the section', () => {
    const merged = mergeAppConfig(stored(), { org_info: { org_name: 'X' } });
    expect(merged.org_info).toEqual({ org_name: 'X', org_logo_url: 'https://acme.test/logo.png' });
    expect({ ...merged, org_info: null }).toEqual({ ...stored(), org_info: null });
  });

  it('keeps fields sent as null and sections sent as null', () => {
    const patch: AppConfigPatch = {
      org_info: { org_name: null, org_logo_url: null },
      server_settings: null,
      smtp_settings: { port: null, password: null },
      host_settings: { additional_queries: null },
    };
    expect(mergeAppConfig(stored(), patch)).toEqual(stored());
  });

  it('writes empty strings, false and 0: they are values', () => {
    const merged = mergeAppConfig(stored(), {
      org_info: { org_name: '' },
      server_settings: { live_query_disabled: true },
      smtp_settings: { enable_ssl_tls: false },
      host_expiry_settings: { host_expiry_enabled: false, host_expiry_window: 0 },
    });
    expect(merged.org_info.org_name).toBe('');
    expect(merged.server_settings.live_query_disabled).toBe(true);
    expect(merged.smtp_settings.enable_ssl_tls).toBe(false);
    expect(merged.host_expiry_settings).toEqual({ host_expiry_enabled: false, host_expiry_window: 0 });
  });

  it('keeps the stored SMTP password when the mask is sent back, and replaces it otherwise', () => {
    expect(mergeAppConfig(stored(), { smtp_settings: { password: SMTP_PASSWORD_MASK } }).smtp_settings.password).toBe('stored-pw');
    expect(mergeAppConfig(stored(), { smtp_settings: { password: 'new-pw' } }).smtp_settings.password).toBe('new-pw');
    expect(mergeAppConfig(stored(), { smtp_settings: { password: '' } }).smtp_settings.password).toBe('');
  });

  it('never takes the configured flag from the patch (the SMTP test decides it)', () => {
    const patch = { smtp_settings: { configured: false, enable_smtp: false } } as unknown as AppConfigPatch;
    expect(mergeAppConfig(stored(), patch).smtp_settings.configured).toBe(true);
  });

  it('trims the server URL', () => {
    const merged = mergeAppConfig(stored(), { server_settings: { kolide_server_url: ' https://new.acme.test/ \n' } });
    expect(merged.server_settings.kolide_server_url).toBe('https://new.acme.test');
  });

  it('replaces additional_queries as a whole; {} clears them', () => {
    const replaced = mergeAppConfig(stored(), { host_settings: { additional_queries: { users: 'select * from users' } } });
    expect(replaced.host_settings.additional_queries).toEqual({ users: 'select * from users' });
    expect(mergeAppConfig(stored(), { host_settings: { additional_queries: {} } }).host_settings.additional_queries).toEqual({});
  });

  it('ignores keys that are not config fields', () => {
    const patch = { org_info: { org_name: 'X', evil: 'y' }, other: { a: 1 } } as unknown as AppConfigPatch;
    const merged = mergeAppConfig(stored(), patch);
    expect(merged.org_info).toEqual({ org_name: 'X', org_logo_url: 'https://acme.test/logo.png' });
    expect(merged).not.toHaveProperty('other');
  });

  it('does not share objects with its inputs', () => {
    const s = stored();
    const queries = { q: 'select 1' };
    const merged = mergeAppConfig(s, { host_settings: { additional_queries: queries } });
    queries.q = 'changed';
    merged.org_info.org_name = 'changed';
    expect(merged.host_settings.additional_queries).toEqual({ q: 'select 1' });
    expect(s.org_info.org_name).toBe('Acme');
  });
});

describe('smtpAction', () => {
  const notConfigured = () => {
    const c = stored();
    c.smtp_settings.configured = false;
    return c;
  };

  it('does nothing when the patch has no smtp_settings', () => {
    expect(smtpAction(stored(), {})).toBe('keep');
    expect(smtpAction(stored(), { smtp_settings: null })).toBe('keep');
  });

  it('tests when enable_smtp is true', () => {
    expect(smtpAction(notConfigured(), { smtp_settings: { enable_smtp: true } })).toBe('test');
    expect(smtpAction(stored(), { smtp_settings: { enable_smtp: true } })).toBe('test');
  });

  it('tests when enable_smtp is absent (or null) while SMTP is configured', () => {
    expect(smtpAction(stored(), { smtp_settings: { server: 'x' } })).toBe('test');
    expect(smtpAction(stored(), { smtp_settings: { enable_smtp: null } })).toBe('test');
  });

  it('keeps the state when enable_smtp is absent while SMTP is not configured', () => {
    expect(smtpAction(notConfigured(), { smtp_settings: { server: 'x' } })).toBe('keep');
  });

  it('disables when enable_smtp is false', () => {
    expect(smtpAction(stored(), { smtp_settings: { enable_smtp: false } })).toBe('disable');
    expect(smtpAction(notConfigured(), { smtp_settings: { enable_smtp: false } })).toBe('disable');
  });
});

describe('validateAppConfigPatch', () => {
  const noSso = () => {
    const c = stored();
    c.sso_settings = defaultAppConfig().sso_settings;
    return c;
  };

  it('accepts an empty patch', () => {
    expect(reasons(stored(), {})).toEqual([]);
  });

  it('SSO: checks nothing unless the patch enables SSO', () => {
    expect(reasons(noSso(), { sso_settings: { entity_id: 'a' } })).toEqual([]);
    expect(reasons(noSso(), { sso_settings: { enable_sso: false, idp_name: 'x' } })).toEqual([]);
  });

  it('SSO: requires metadata or metadata_url, entity_id and idp_name (in this order)', () => {
    expect(reasons(noSso(), { sso_settings: { enable_sso: true } })).toEqual([
      { name: 'metadata', reason: 'either metadata or metadata_url must be defined' },
      { name: 'entity_id', reason: 'required' },
      { name: 'idp_name', reason: 'required' },
    ]);
  });

  it('SSO: stored values satisfy the requirements', () => {
    expect(reasons(stored(), { sso_settings: { enable_sso: true } })).toEqual([]);
  });

  it('SSO: sending empty strings over stored values leaves them missing', () => {
    expect(reasons(stored(), { sso_settings: { enable_sso: true, entity_id: '', idp_name: '' } })).toEqual([
      { name: 'entity_id', reason: 'required' },
      { name: 'idp_name', reason: 'required' },
    ]);
  });

  it('SSO: refuses both metadata and metadata_url in one patch', () => {
    expect(reasons(noSso(), { sso_settings: { enable_sso: true, metadata: '<x/>', metadata_url: 'https://m', entity_id: 'fleet.acme', idp_name: 'Okta' } })).toEqual([
      { name: 'metadata', reason: 'both metadata and metadata_url are defined, only one is allowed' },
    ]);
  });

  it('SSO: minimum lengths of entity_id (5) and idp_name (4), counted in bytes', () => {
    expect(reasons(stored(), { sso_settings: { enable_sso: true, entity_id: 'abcd', idp_name: 'abc' } })).toEqual([
      { name: 'entity_id', reason: 'must be 5 or more characters' },
      { name: 'idp_name', reason: 'must be 4 or more characters' },
    ]);
    expect(reasons(stored(), { sso_settings: { enable_sso: true, entity_id: 'abcde', idp_name: 'éé' } })).toEqual([]); // 'éé' is 4 bytes
  });

  it('server URL: must parse as http or https once trimmed; empty clears it', () => {
    expect(reasons(stored(), { server_settings: { kolide_server_url: 'http://fleet.local:8080/' } })).toEqual([]);
    expect(reasons(stored(), { server_settings: { kolide_server_url: ' ' } })).toEqual([]);
    expect(reasons(stored(), { server_settings: { kolide_server_url: 'fleet.acme.test' } })).toEqual([
      { name: 'kolide_server_url', reason: 'url is not valid' },
    ]);
    expect(reasons(stored(), { server_settings: { kolide_server_url: 'javascript:alert(1)' } })).toEqual([
      { name: 'kolide_server_url', reason: 'url scheme must be http or https' },
    ]);
  });

  it('SMTP: rejects unknown authentication types and methods by field name, and bad ports', () => {
    const patch = {
      smtp_settings: { authentication_type: 'none', authentication_method: 'ntlm', port: 0 },
    } as unknown as AppConfigPatch;
    expect(reasons(stored(), patch).map((r) => r.name)).toEqual(['authentication_type', 'authentication_method', 'port']);
  });

  it('host expiry: the window is a whole number of days, at least 1 while expiry is enabled', () => {
    expect(reasons(stored(), { host_expiry_settings: { host_expiry_window: -1 } })).toEqual([
      { name: 'host_expiry_window', reason: 'must be an integer of 0 or more' },
    ]);
    expect(reasons(stored(), { host_expiry_settings: { host_expiry_window: 0 } })).toEqual([
      { name: 'host_expiry_window', reason: 'must be at least 1 (day) when host expiry is enabled' },
    ]);
    expect(reasons(stored(), { host_expiry_settings: { host_expiry_enabled: false, host_expiry_window: 0 } })).toEqual([]);
    const off = defaultAppConfig();
    expect(reasons(off, { host_expiry_settings: { host_expiry_enabled: true } })).toHaveLength(1);
    expect(reasons(off, { host_expiry_settings: { host_expiry_enabled: true, host_expiry_window: 7 } })).toEqual([]);
  });
});

describe('server URL helpers', () => {
  it('trimServerUrl removes surrounding white space and every trailing slash', () => {
    expect(trimServerUrl('\t https://fleet.acme.test/// \n')).toBe('https://fleet.acme.test');
    expect(trimServerUrl('https://fleet.acme.test/prefix/')).toBe('https://fleet.acme.test/prefix');
  });

  it('serverUrlProblem accepts http and https only', () => {
    expect(serverUrlProblem('https://a.test')).toBeNull();
    expect(serverUrlProblem('http://10.0.0.1:8080')).toBeNull();
    expect(serverUrlProblem('ftp://a.test')).toBe('url scheme must be http or https');
    expect(serverUrlProblem('nope')).toBe('url is not valid');
  });
});
