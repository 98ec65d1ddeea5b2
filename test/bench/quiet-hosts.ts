/** Hosts enrolled over HTTP that have answered all their work, for check-in benches. */
export async function post(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

/** Enrolls hosts and answers every detail and label query they are sent, so nothing is due. */
export async function enrollQuietHosts(url: string, secret: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const { node_key } = await post(`${url}/api/v1/osquery/enroll`, {
      enroll_secret: secret,
      host_identifier: `bench-host-${i}`,
      host_details: { os_version: { platform: 'ubuntu', name: 'Ubuntu', major: '20', minor: '4', patch: '0' } },
    });
    const { queries } = await post(`${url}/api/v1/osquery/distributed/read`, { node_key });
    const answers: Record<string, unknown[]> = {};
    const statuses: Record<string, number> = {};
    for (const name of Object.keys(queries)) {
      answers[name] = [];
      statuses[name] = 0;
    }
    await post(`${url}/api/v1/osquery/distributed/write`, { node_key, queries: answers, statuses });
    const again = await post(`${url}/api/v1/osquery/distributed/read`, { node_key });
    if (Object.keys(again.queries).length !== 0) throw new Error(`host ${i} still has work: ${JSON.stringify(again)}`);
    keys.push(node_key);
  }
  return keys;
}

