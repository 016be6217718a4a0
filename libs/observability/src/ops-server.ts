import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { silentLogger } from './logger.js';
import type { Logger } from './logger.js';

/** Readiness with the reasons it is not ready (`"bus disconnected"`, `"draining"`). */
export interface Readiness {
  readonly ready: boolean;
  readonly reasons: readonly string[];
}

export interface OpsServerOptions {
  readonly registry: Registry;
  /** Called on every `/ready`; must be cheap and must not throw (a throw answers 503). */
  readonly isReady: () => boolean | Readiness;
  /** The `service` field of `/health` and `/ready`. */
  readonly service: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port; `start()` returns the one bound. @default 0 */
  readonly port?: number;
  readonly logger?: Logger;
}

export interface OpsServer {
  /** Listens and resolves with the bound port; rejects if the port cannot be bound. */
  start(): Promise<number>;
  /** Stops listening and closes open connections, keep-alive ones included; idempotent. */
  stop(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The operations listener of a producer service: `/health` (the process answers), `/ready`
 * (200 or 503 with reasons) and `/metrics` (Prometheus text). Keep it off public routes.
 * The edge serves the same paths on its own uWS listener instead.
 */
export function createOpsServer(options: OpsServerOptions): OpsServer {
  const { registry, isReady, service, host = '127.0.0.1', port = 0 } = options;
  const log = (options.logger ?? silentLogger).child({ component: 'ops-server' });
  let server: Server | undefined;
  let stopping: Promise<void> | undefined;

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  function readiness(): Readiness {
    try {
      const result = isReady();
      return typeof result === 'boolean' ? { ready: result, reasons: result ? [] : ['not ready'] } : result;
    } catch (err) {
      log.error({ err }, 'readiness check threw');
      return { ready: false, reasons: ['readiness check failed'] };
    }
  }

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      sendJson(res, 405, { error: 'method not allowed' });
      return;
    }
    switch (path) {
      case '/health':
        sendJson(res, 200, { status: 'healthy', service, timestamp: new Date().toISOString() });
        return;
      case '/ready': {
        const { ready, reasons } = readiness();
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', service, reasons });
        return;
      }
      case '/metrics': {
        try {
          const text = await registry.metrics();
          res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
          res.end(text);
        } catch (err) {
          log.error({ err }, 'metrics collection failed');
          sendJson(res, 500, { error: 'metrics collection failed' });
        }
        return;
      }
      default:
        sendJson(res, 404, { error: 'not found' });
    }
  }

  return {
    async start() {
      if (server !== undefined) throw new Error('ops server already started (it cannot be restarted)');
      const srv = createServer((req, res) => {
        void respond(req, res);
      });
      server = srv;
      srv.listen(port, host);
      try {
        // once() rejects when 'error' fires first (EADDRINUSE, EACCES).
        await once(srv, 'listening');
      } catch (err) {
        server = undefined;
        throw err;
      }
      const bound = (srv.address() as AddressInfo).port;
      log.info({ host, port: bound }, 'ops server listening');
      return bound;
    },
    stop() {
      if (stopping !== undefined) return stopping;
      const srv = server;
      if (srv === undefined) return Promise.resolve();
      stopping = (async () => {
        const closed = once(srv, 'close');
        srv.close();
        // close() waits for keep-alive connections (Prometheus keeps one open); end them now.
        srv.closeAllConnections();
        await closed;
        log.info('ops server stopped');
      })();
      return stopping;
    },
  };
}
