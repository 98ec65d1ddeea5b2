/** Non-2xx answers the server counted on its osquery agent routes (from /metrics). */
export async function agentErrorCount(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) {
    const m = line.match(/^http_requests_total\{([^}]*)\} (\d+)/);
    if (!m) continue;
    const labels = m[1]!;
    if (/route="osquery_/.test(labels) && !/status="2\d\d"/.test(labels)) n += Number(m[2]);
  }
  return n;
}
