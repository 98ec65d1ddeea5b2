import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { FleetConfig } from '../../internal/config/config';

export interface Listening {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** `host:port`, `:port` or `port`. */
export function parseAddress(address: string): { host: string; port: number } {
  const m = address.match(/^(?:\[?([^\]]*?)\]?:)?(\d+)$/);
  if (!m) throw new Error(`invalid server address ${JSON.stringify(address)}: expected host:port`);
  return { host: m[1] || '0.0.0.0', port: Number(m[2]) };
}

/** Starts HTTP, or HTTPS when TLS is configured, and resolves once it accepts connections. */
export async function listen(config: FleetConfig, handler: RequestListener): Promise<Listening> {
  const { host, port } = parseAddress(config.server.address);
  const server = config.server.tls
    ? https.createServer({ cert: readFileSync(config.server.cert), key: readFileSync(config.server.key) }, handler)
    : http.createServer(handler);
  // Agents keep connections open between check-ins; outlive typical proxy idle timeouts.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const url = `${config.server.tls ? 'https' : 'http'}://${shownHost}:${bound.port}${config.server.url_prefix}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
