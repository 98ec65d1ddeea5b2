import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateBlocks } from '../../internal/tls/certificate-chain';
import { expectAuthMatrix, makeCallers, matrixFor, withToken } from '../support/auth-matrix';
import { startTestApp, type TestApp } from '../support/test-app';

const CERT = '/api/v1/fleet/config/certificate';

/** Self-signed CA, a leaf it signed, and files combining them, made with openssl in a temp dir. */
function makeCertificates(dir: string) {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test Fleet CA');
  openssl('req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=fleet.test');
  openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '1');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const leaf = read('leaf.pem');
  const ca = read('ca.pem');
  // A chain file as operators write them: leaf first, then the issuer.
  writeFileSync(join(dir, 'chain.pem'), leaf + ca);
  // A careless combined file with the private key in it.
  writeFileSync(join(dir, 'combined.pem'), read('leaf.key') + '# comment line\n' + leaf + ca);
  writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
  return { leaf, ca, dir };
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

describe('GET /config/certificate', () => {
  let dir: string;
  let certs: ReturnType<typeof makeCertificates>;
  let t: TestApp | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-cert-'));
    certs = makeCertificates(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const start = async (tls?: { enabled: boolean; certPath: string }) => {
    t = await startTestApp({ tls });
    return { app: t, token: (await t.setup()).token };
  };

  it('answers the served certificate as base64 of its PEM text', async () => {
    const { app, token } = await start({ enabled: true, certPath: join(dir, 'leaf.pem') });
    const res = await withToken(app.http().get(CERT), token);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['certificate_chain']);
    const pem = decode(res.body.certificate_chain);
    expect(pem).toBe(certs.leaf);
    expect(new X509Certificate(pem).subject).toBe('CN=fleet.test');
  });

  it('answers the whole chain in file order', async () => {
    const { app, token } = await start({ enabled: true, certPath: join(dir, 'chain.pem') });
    const pem = decode((await withToken(app.http().get(CERT), token)).body.certificate_chain);
    const blocks = certificateBlocks(pem);
    expect(blocks.map((b) => new X509Certificate(b).subject)).toEqual(['CN=fleet.test', 'CN=Test Fleet CA']);
    expect(pem).toBe(certs.leaf + certs.ca);
  });

  it('never answers key material from a combined cert-and-key file', async () => {
    const { app, token } = await start({ enabled: true, certPath: join(dir, 'combined.pem') });
    const res = await withToken(app.http().get(CERT), token);
    expect(res.status).toBe(200);
    const pem = decode(res.body.certificate_chain);
    expect(pem).not.toMatch(/PRIVATE KEY/);
    expect(pem).not.toMatch(/comment/);
    expect(pem).toBe(certs.leaf + certs.ca);
  });

  it('is a 422 with a clear reason when this server does not serve TLS', async () => {
    const { app, token } = await start();
    const res = await withToken(app.http().get(CERT), token);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      message: 'Validation Failed',
      errors: [{ name: 'base', reason: 'this server does not serve TLS; certificate chain is unavailable' }],
    });
  });

  it('is a 500 that names no file when the served certificate cannot be read', async () => {
    for (const file of ['missing.pem', 'garbage.pem']) {
      const { app, token } = await start({ enabled: true, certPath: join(dir, file) });
      const res = await withToken(app.http().get(CERT), token);
      expect(res.status).toBe(500);
      expect(res.body.message).toBe('Unknown Error');
      expect(JSON.stringify(res.body)).not.toContain(dir);
      await app.close();
      t = undefined;
    }
  });

  it('is served under the kolide prefix as well', async () => {
    const { app, token } = await start({ enabled: true, certPath: join(dir, 'leaf.pem') });
    expect((await withToken(app.http().get('/api/v1/kolide/config/certificate'), token)).status).toBe(200);
  });

  it('needs a valid session', async () => {
    const { app, token } = await start({ enabled: true, certPath: join(dir, 'leaf.pem') });
    const callers = await makeCallers(app, token);
    await expectAuthMatrix(callers, (auth) => auth(app.http().get(CERT)), matrixFor('auth'));
  });
});

describe('certificateBlocks', () => {
  it('keeps only CERTIFICATE blocks and rejects a corrupt one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-cert-'));
    try {
      const { leaf } = makeCertificates(dir);
      expect(certificateBlocks(`-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n${leaf}`)).toEqual([leaf.trimEnd()]);
      expect(certificateBlocks('nothing here')).toEqual([]);
      expect(() => certificateBlocks('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
