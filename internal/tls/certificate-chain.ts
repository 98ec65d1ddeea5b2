import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+?-----END CERTIFICATE-----/g;

/**
 * The CERTIFICATE PEM blocks of a PEM text, in file order, each checked to parse as an
 * X.509 certificate. Anything else in the text (private keys, parameters, comments) is
 * dropped, so key material of a combined cert+key file can never be served.
 */
export function certificateBlocks(pem: string): string[] {
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  return blocks.map((block) => {
    const normalized = block.replace(/\r\n/g, '\n');
    new X509Certificate(normalized); // throws on a corrupt block
    return normalized;
  });
}

/** The certificate chain served by this server, as PEM text (blocks joined by newlines). */
export async function readCertificateChain(certPath: string): Promise<string> {
  const text = await readFile(certPath, 'utf8');
  const blocks = certificateBlocks(text);
  if (blocks.length === 0) throw new Error(`no certificate found in ${certPath}`);
  return blocks.join('\n') + '\n';
}
