/** Whether this server serves TLS itself, and the certificate chain file it serves. */
export interface TlsInfo {
  enabled: boolean;
  certPath: string;
}
