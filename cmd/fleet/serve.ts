import { buildContainer, closeAgentRuntime, resolveServices } from './container';
import { listen } from './listen';
import { openDatastore, readyDatastore } from './open-datastore';
import type { FleetConfig } from '../../internal/config/config';
import type { Logger } from '../../internal/logging';
import { createMetrics } from '../../internal/metrics';
import { createApp } from '../../transport/http/app';
import { TYPES } from '../../internal/container/identifiers';
import type { CarveService, LiveQueryService, OsqueryService } from '../../internal/fleet';
import { createLogWriters } from '../../internal/logwriter';
import { createLiveQueryInfra } from '../../internal/livequery';
import { JobRunner } from '../../service/jobs/job-runner';
import { createAgentHandler } from '../../transport/osquery';
import { attachResultStream } from '../../transport/websocket';

export interface Server {
  url: string;
  close(): Promise<void>;
}

export interface StartServerOptions {
  /**
   * Run the periodic background jobs (host cleanup) in this process. Default true; with
   * `--workers N` only worker 1 runs them (see workers.ts).
   */
  runJobs?: boolean;
}

/** Opens the store, wires the services and starts listening. */
export async function startServer(config: FleetConfig, logger: Logger, opts: StartServerOptions = {}): Promise<Server> {
  const started = Date.now();
  const metrics = createMetrics();
  const datastore = openDatastore(config, { onQuery: () => metrics.datastoreQueries.inc() });
  try {
    await readyDatastore(datastore);
  } catch (err) {
    await datastore.close().catch(() => undefined);
    throw err;
  }
  // A log writer that cannot open stops the server at start (Fleet's behaviour).
  const logWriters = await createLogWriters(config, logger).catch(async (err: unknown) => {
    await datastore.close().catch(() => undefined);
    throw err;
  });
  // Live-query store, result pub/sub, invalidation bus: Redis when configured (unreachable → no start).
  const liveQuery = await createLiveQueryInfra(config, logger).catch(async (err: unknown) => {
    await logWriters.close().catch(() => undefined);
    await datastore.close().catch(() => undefined);
    throw err;
  });
  const container = buildContainer({
    config,
    datastore,
    logger,
    tls: { enabled: config.server.tls, certPath: config.server.cert },
    logWriters,
    liveQuery,
  });
  const services = resolveServices(container);
  const app = createApp({
    config,
    logger,
    metrics,
    services,
    health: [{ name: 'datastore', check: () => datastore.healthCheck() }, ...liveQuery.health],
  });
  // The agent routes (the hot path) on plain node:http; everything else goes to express.
  const agent = createAgentHandler({
    service: container.get<OsqueryService>(TYPES.OsqueryService),
    carves: container.get<CarveService>(TYPES.CarveService),
    logger,
    metrics,
    urlPrefix: config.server.url_prefix,
  });
  const jobs = container.get(JobRunner);
  const listening = await listen(config, (req, res) => {
    if (!agent(req, res)) app(req, res);
  });
  // Live-query results: raw WebSocket + SockJS on the same server (spec §9.5).
  const resultStream = container.isBound(TYPES.LiveQueryService)
    ? attachResultStream(listening.server, {
        sessions: services.sessions,
        liveQuery: container.get<LiveQueryService>(TYPES.LiveQueryService),
        logger,
        urlPrefix: config.server.url_prefix,
      })
    : undefined;
  if (opts.runJobs ?? true) jobs.start();
  logger.info('fleet server ready', { url: listening.url, datastore: datastore.kind, startup_ms: Date.now() - started });
  if (!config.logging.disable_banner) {
    process.stdout.write(`Fleet is listening on ${listening.url} (datastore: ${datastore.kind})\n`);
    if (await services.setup.setupRequired()) {
      process.stdout.write(
        'No users yet. Run first-time setup with fleetctl (npm run fleetctl -- … from a clone):\n' +
          `  fleetctl config set --address ${listening.url}\n` +
          '  fleetctl setup --email admin@example.com --org-name "My Org" --server-url https://<this server\'s public address>\n' +
          'or with curl:\n' +
          `  curl -s -X POST ${listening.url}/api/v1/setup -H 'Content-Type: application/json' \\\n` +
          `    -d '{"admin":{"username":"admin","email":"admin@example.com","password":"<a password with a digit and a symbol>","admin":true},` +
          `"org_info":{"org_name":"My Org"},"kolide_server_url":"https://<this server's public address>"}'\n`,
      );
    }
  }
  // `kill -HUP` rotates the osquery log files (when rotation is enabled), as Fleet did.
  const onHangup = (): void => {
    logWriters.rotate().catch((err: unknown) => logger.warn('osquery log rotation failed', { err: String(err) }));
  };
  process.on('SIGHUP', onHangup);
  return {
    url: listening.url,
    async close() {
      process.off('SIGHUP', onHangup);
      resultStream?.close();
      await listening.close();
      await closeAgentRuntime(container, logWriters);
      await liveQuery.close();
      await datastore.close();
    },
  };
}
