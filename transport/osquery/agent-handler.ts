// The osquery agent routes on plain node:http (no express): the hot path of the product.
// createAgentHandler() returns a listener that claims POST <prefix>/api/v1/osquery/{enroll,
// config,distributed/read,distributed/write,log,carve/begin,carve/block} and returns false for anything else, so the
// caller hands those requests to the express app.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BadRequestError,
  NodeInvalidError,
  NotFoundError,
  type CarveService,
  ServiceUnavailableError,
  type OsqueryService,
} from '../../internal/fleet';
import type { Logger } from '../../internal/logging';
import { splitJsonArrayElements } from '../../internal/logwriter';
import type { Metrics } from '../../internal/metrics';
import { readBody, BodyTooLargeError, type BodyLimits } from './body';
import { decodeDistributedWrite, decodeEnroll, decodeLogType, decodeNodeKey, isObject, type JsonObject } from './decode';
import { AgentHttpError, badRequest } from './errors';
import { decodeCarveBegin, decodeCarveBlock } from './carve-decode';

export type AgentRouteName =
  | 'osquery_enroll'
  | 'osquery_config'
  | 'osquery_distributed_read'
  | 'osquery_distributed_write'
  | 'osquery_log'
  | 'osquery_carve_begin'
  | 'osquery_carve_block';

export interface AgentBodyLimits {
  /** enroll, config, distributed/read (bodies of a few KiB in practice). */
  small: number;
  /** distributed/write (detail, label and live-query rows). */
  write: number;
  /** log, after decompression (up to 1024 buffered lines). */
  log: number;
  /** carve/block: base64 of one block (8 MB blocks are ~10.7 MB of base64). */
  carveBlock: number;
}

export const DEFAULT_AGENT_BODY_LIMITS: AgentBodyLimits = {
  small: 1024 * 1024,
  write: 16 * 1024 * 1024,
  log: 32 * 1024 * 1024,
  carveBlock: 16 * 1024 * 1024,
};

export interface AgentHandlerDeps {
  service: OsqueryService;
  logger: Logger;
  metrics: Metrics;
  /** `server.url_prefix` ("" or e.g. "/fleet"). */
  urlPrefix: string;
  limits?: Partial<AgentBodyLimits>;
  /** File carving (spec §12); the carve routes exist only when given. */
  carves?: CarveService;
}

/** A JSON body to send with its status. `json` is pre-serialised text when given. */
interface Reply {
  status: number;
  body?: unknown;
  json?: string;
}

type RouteRun = (body: JsonObject, text: string) => Promise<Reply>;

interface Route {
  name: AgentRouteName;
  limits: BodyLimits;
  run: RouteRun;
}

export type AgentHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const EMPTY: Reply = { status: 200, json: '{}' };

export function createAgentHandler(deps: AgentHandlerDeps): AgentHandler {
  const { service, logger, metrics } = deps;
  const limits = { ...DEFAULT_AGENT_BODY_LIMITS, ...deps.limits };
  const prefix = deps.urlPrefix.replace(/\/+$/, '');
  // Configs are shared objects while options do not change: serialise each once.
  const configJson = new WeakMap<object, string>();

  const routes = new Map<string, Route>();
  const add = (path: string, name: AgentRouteName, limit: number, run: RouteRun, gzip = false): void => {
    routes.set(`${prefix}/api/v1/osquery/${path}`, { name, limits: { maxBytes: limit, gzip }, run });
  };

  add('enroll', 'osquery_enroll', limits.small, async (body) => {
    const nodeKey = await service.enrollAgent(decodeEnroll(body));
    return { status: 200, body: { node_key: nodeKey } };
  });

  add('config', 'osquery_config', limits.small, async (body) => {
    const host = await service.authenticateHost(decodeNodeKey(body));
    const config = await service.getClientConfig(host);
    let json = configJson.get(config);
    if (json === undefined) {
      json = JSON.stringify(config);
      configJson.set(config, json);
    }
    return { status: 200, json };
  });

  add('distributed/read', 'osquery_distributed_read', limits.small, async (body) => {
    const host = await service.authenticateHost(decodeNodeKey(body));
    const { queries, accelerate } = await service.getDistributedQueries(host);
    return { status: 200, body: accelerate > 0 ? { queries, accelerate } : { queries } };
  });

  add('distributed/write', 'osquery_distributed_write', limits.write, async (body) => {
    const nodeKey = decodeNodeKey(body);
    const results = decodeDistributedWrite(body);
    const host = await service.authenticateHost(nodeKey);
    await service.submitDistributedQueryResults(host, results);
    return EMPTY;
  });

  add(
    'log',
    'osquery_log',
    limits.log,
    async (body, text) => {
      const nodeKey = decodeNodeKey(body);
      const type = decodeLogType(body);
      if (!Array.isArray(body.data)) throw badRequest('data must be an array of log lines');
      // The exact text of each line, so writers store what the agent sent byte for byte.
      const lines = splitJsonArrayElements(text, 'data');
      if (lines === null) throw badRequest('data must be an array of log lines');
      const host = await service.authenticateHost(nodeKey);
      await service.submitLogs(host, type, lines);
      return EMPTY;
    },
    true,
  );

  const carves = deps.carves;
  if (carves) {
    add('carve/begin', 'osquery_carve_begin', limits.small, async (body) => {
      const nodeKey = decodeNodeKey(body);
      const input = decodeCarveBegin(body);
      const host = await service.authenticateHost(nodeKey);
      const carve = await carves.beginCarve(host, input);
      return { status: 200, body: { session_id: carve.session_id, success: true } };
    });
    // No node key: osquery does not send one here; session_id + request_id authenticate.
    add('carve/block', 'osquery_carve_block', limits.carveBlock, async (body) => {
      await carves.receiveCarveBlock(decodeCarveBlock(body));
      return { status: 200, json: '{"success":true}' };
    });
  }

  const observe = (name: AgentRouteName, status: number, start: bigint): void => {
    const labels = { route: name, method: 'POST', status: String(status) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
  };

  const handle = async (route: Route, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const start = process.hrtime.bigint();
    let reply: Reply;
    let closeAfter = false;
    try {
      const raw = await readBody(req, route.limits);
      const text = raw.toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        throw badRequest(`malformed JSON request body: ${err instanceof Error ? err.message.slice(0, 200) : 'parse error'}`);
      }
      if (!isObject(body)) throw badRequest('request body must be a JSON object');
      reply = await route.run(body, text);
    } catch (err) {
      if (err instanceof BodyTooLargeError && err.undrained) closeAfter = true;
      reply = errorReply(err, route.name, logger);
    }
    send(res, reply, closeAfter);
    observe(route.name, reply.status, start);
  };

  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const route = routes.get(q < 0 ? url : url.slice(0, q));
    if (!route) return false;
    handle(route, req, res).catch((err: unknown) => {
      // Only a bug in sending can land here; never let it take the process down.
      logger.error('agent request failed while responding', { route: route.name, err: String(err) });
      if (!res.headersSent) send(res, { status: 500, body: { error: 'internal server error' } }, true);
      else res.destroy();
    });
    return true;
  };
}

/** Domain and transport errors → status and osquery's body (which is all osquery reads). */
function errorReply(err: unknown, route: AgentRouteName, logger: Logger): Reply {
  if (err instanceof NodeInvalidError) {
    return { status: 401, body: { error: err.message, node_invalid: true } };
  }
  if (err instanceof AgentHttpError) {
    logger.debug('agent request rejected', { route, status: err.status, reason: err.message });
    return { status: err.status, body: { error: err.message } };
  }
  if (err instanceof BadRequestError) {
    logger.debug('agent request rejected', { route, status: 400, reason: err.message });
    return { status: 400, body: { error: err.message } };
  }
  if (err instanceof NotFoundError) {
    logger.debug('agent request rejected', { route, status: 404, reason: err.message });
    return { status: 404, body: { error: err.message } };
  }
  if (err instanceof ServiceUnavailableError) {
    return { status: 500, body: { error: err.message } };
  }
  logger.error('agent request failed', {
    route,
    err: err instanceof Error ? err.message : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
  return { status: 500, body: { error: 'internal server error' } };
}

function send(res: ServerResponse, reply: Reply, closeAfter: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const json = reply.json ?? JSON.stringify(reply.body);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
  };
  if (closeAfter) headers.Connection = 'close';
  res.writeHead(reply.status, headers);
  res.end(json);
  if (closeAfter) res.once('finish', () => res.socket?.destroySoon?.());
}
