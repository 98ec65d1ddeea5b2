// Standalone fake Fleet for trying osquery-perf without the real server, e.g. for a
// throughput check (see cmd/osquery-perf/README.md). Compiled ad hoc; not a test.
//   FAKE_FLEET_PORT=8412 FAKE_FLEET_SECRET=s node <built>/test/osquery-perf/fake-fleet-server.js
import { FakeFleet } from './fake-fleet';

async function main(): Promise<void> {
  const fleet = await new FakeFleet({
    enrollSecret: process.env.FAKE_FLEET_SECRET ?? 'secret',
    recordRequests: false,
    keepLogs: false,
    config: {
      options: { distributed_interval: 10, logger_tls_period: 10 },
      decorators: { load: ['SELECT uuid AS host_uuid FROM system_info;', 'SELECT hostname AS hostname FROM system_info;'] },
      packs: { perf: { queries: { procs: { query: 'select pid, name, path from processes', interval: 10 }, users: { query: 'select * from users', interval: 30, snapshot: true } } } },
    },
  }).start(Number(process.env.FAKE_FLEET_PORT ?? 0));
  if (process.env.FAKE_FLEET_CAMPAIGN) fleet.campaigns.set(1, process.env.FAKE_FLEET_CAMPAIGN);
  process.stdout.write(`${fleet.url}\n`);
  const report = setInterval(() => process.stderr.write(`fake-fleet: ${fleet.served} requests, ${fleet.hosts.size} hosts\n`), 5000);
  const stop = () => {
    clearInterval(report);
    void fleet.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
