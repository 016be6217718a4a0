/**
 * The only module that imports uWebSockets.js. The rest of the edge sees `WsServer` and
 * `WsSocket`, so moving to another uWS build (or a test double) touches this file alone.
 */
import * as uWS from 'uWebSockets.js';

export type SendStatus = 'sent' | 'buffered' | 'dropped' | 'closed';

export interface WsSocket<D> {
  readonly data: D;
  readonly isOpen: boolean;
  send(frame: string): SendStatus;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Closes with a close frame carrying `code` and `reason`. */
  end(code: number, reason: string): void;
  bufferedAmount(): number;
  /** Batches several sends into one syscall. */
  cork(fn: () => void): void;
}

export interface UpgradeRequest {
  readonly query: string;
  /** The peer's address as text (a proxy's, behind one). */
  readonly remoteAddress: string;
  header(name: string): string;
}

/** `protocol`: the Sec-WebSocket-Protocol to answer with (default: echo what the client offered). */
export type UpgradeDecision<D> =
  | { readonly accept: true; readonly data: D; readonly protocol?: string }
  | { readonly accept: false; readonly status: number; readonly reason: string };

export interface HttpRequestInfo {
  readonly path: string;
  readonly query: string;
  header(name: string): string;
}

export interface HttpReply {
  readonly status: number;
  readonly contentType?: string;
  readonly body: string;
}

export type HttpRoute = (req: HttpRequestInfo) => HttpReply | Promise<HttpReply>;

export interface WsServerOptions<D> {
  readonly path: string;
  readonly maxPayloadLength: number;
  readonly maxBackpressure: number;
  /**
   * Accepts or refuses a handshake. Read every header synchronously (the request object is
   * gone after this call returns); a promise may follow for asynchronous checks (a token).
   */
  upgrade(req: UpgradeRequest): UpgradeDecision<D> | Promise<UpgradeDecision<D>>;
  open(ws: WsSocket<D>): void;
  message(ws: WsSocket<D>, data: ArrayBuffer, isBinary: boolean): void;
  /** A message was dropped because the socket's send buffer was over `maxBackpressure`. */
  dropped(ws: WsSocket<D>): void;
  /** uWS wrote part of the socket's send buffer (it had backpressure). */
  drain(ws: WsSocket<D>): void;
  /** A protocol-level ping or pong from the client (liveness). */
  pong(ws: WsSocket<D>): void;
  /**
   * A handler threw. The socket (if any) is closed with 1011; the process keeps serving
   * everyone else. An exception must never escape into uWS.
   */
  handlerError(err: unknown, where: string): void;
  close(ws: WsSocket<D>, code: number): void;
  readonly routes: Readonly<Record<string, HttpRoute>>;
}

export interface WsServer {
  /** Binds and resolves with the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /** Sends one frame to every socket subscribed to `topic`; encoded once by the caller. */
  publish(topic: string, frame: string): void;
  numSubscribers(topic: string): number;
  /** Stops accepting connections; open sockets stay. Idempotent. */
  stopListening(): void;
  /** Force-closes everything left. Idempotent. */
  close(): void;
}

/** RFC 6455 "internal error": the server hit a condition it did not expect. */
const INTERNAL_ERROR_CODE = 1011;

interface Slot<D> {
  readonly data: D;
  socket: UwsSocket<D> | undefined;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  429: 'Too Many Requests',
  403: 'Forbidden',
  404: 'Not Found',
  426: 'Upgrade Required',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

class UwsSocket<D> implements WsSocket<D> {
  isOpen = true;

  constructor(
    private readonly ws: uWS.WebSocket<Slot<D>>,
    readonly data: D,
  ) {}

  send(frame: string): SendStatus {
    if (!this.isOpen) return 'closed';
    const result = this.ws.send(frame, false, false);
    return result === 1 ? 'sent' : result === 0 ? 'buffered' : 'dropped';
  }

  subscribe(topic: string): void {
    if (this.isOpen) this.ws.subscribe(topic);
  }

  unsubscribe(topic: string): void {
    if (this.isOpen) this.ws.unsubscribe(topic);
  }

  end(code: number, reason: string): void {
    if (this.isOpen) this.ws.end(code, reason);
  }

  bufferedAmount(): number {
    return this.isOpen ? this.ws.getBufferedAmount() : 0;
  }

  cork(fn: () => void): void {
    if (this.isOpen) this.ws.cork(fn);
  }
}

export function createWsServer<D>(options: WsServerOptions<D>): WsServer {
  const app = uWS.App();
  let listenSocket: uWS.us_listen_socket | undefined;
  let closed = false;

  const socketOf = (ws: uWS.WebSocket<Slot<D>>): UwsSocket<D> | undefined => ws.getUserData().socket;
  const guard = (socket: UwsSocket<D> | undefined, where: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      options.handlerError(err, where);
      // Deferred: closing inside a uWS callback that is itself failing is asking for trouble.
      if (socket !== undefined) setImmediate(() => socket.end(INTERNAL_ERROR_CODE, 'internal error'));
    }
  };

  app.ws<Slot<D>>(options.path, {
    compression: uWS.DISABLED,
    maxPayloadLength: options.maxPayloadLength,
    maxBackpressure: options.maxBackpressure,
    // Over maxBackpressure, uWS drops and reports through `dropped`; the policy is the caller's.
    closeOnBackpressureLimit: false,
    // Our own heartbeat (ms resolution, JSON pings the frontend understands) replaces uWS's.
    idleTimeout: 0,
    sendPingsAutomatically: false,
    upgrade(res, req, context) {
      // HttpRequest is stack-allocated: read every header before anything else.
      const request: UpgradeRequest = {
        query: req.getQuery() ?? '',
        remoteAddress: Buffer.from(res.getRemoteAddressAsText()).toString(),
        header: (name) => req.getHeader(name),
      };
      const key = req.getHeader('sec-websocket-key');
      const protocol = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      const failed = (err: unknown): UpgradeDecision<D> => {
        options.handlerError(err, 'upgrade');
        return { accept: false, status: 500, reason: 'internal error' };
      };
      const finish = (decision: UpgradeDecision<D>): void => {
        if (decision.accept) {
          // Not inside res.cork: with this uWS build, a socket upgraded inside a cork is dropped
          // (1006) right after its first frames (test/int/secrets.int.test.ts caught it against Redis).
          res.upgrade<Slot<D>>({ data: decision.data, socket: undefined }, key, decision.protocol ?? protocol, extensions, context);
          return;
        }
        res.cork(() => {
          res
            .writeStatus(`${decision.status} ${STATUS_TEXT[decision.status] ?? 'Error'}`)
            .writeHeader('content-type', 'text/plain')
            .end(decision.reason);
        });
      };
      let decision: UpgradeDecision<D> | Promise<UpgradeDecision<D>>;
      try {
        decision = options.upgrade(request);
      } catch (err) {
        decision = failed(err);
      }
      if (!(decision instanceof Promise)) {
        finish(decision);
        return;
      }
      // Asynchronous: the client may go away meanwhile, and then `res` must not be touched.
      let aborted = false;
      res.onAborted(() => {
        aborted = true;
      });
      void decision.catch(failed).then((settled) => {
        if (!aborted) finish(settled);
      });
    },
    open(ws) {
      const slot = ws.getUserData();
      const socket = new UwsSocket(ws, slot.data);
      slot.socket = socket;
      guard(socket, 'open', () => options.open(socket));
    },
    message(ws, message, isBinary) {
      const socket = socketOf(ws);
      if (socket !== undefined) guard(socket, 'message', () => options.message(socket, message, isBinary));
    },
    dropped(ws) {
      const socket = socketOf(ws);
      if (socket !== undefined) guard(socket, 'dropped', () => options.dropped(socket));
    },
    drain(ws) {
      const socket = socketOf(ws);
      if (socket !== undefined) guard(socket, 'drain', () => options.drain(socket));
    },
    ping(ws) {
      const socket = socketOf(ws);
      if (socket !== undefined) guard(socket, 'ping', () => options.pong(socket));
    },
    pong(ws) {
      const socket = socketOf(ws);
      if (socket !== undefined) guard(socket, 'pong', () => options.pong(socket));
    },
    close(ws, code) {
      const socket = socketOf(ws);
      if (socket === undefined) return;
      socket.isOpen = false;
      guard(undefined, 'close', () => options.close(socket, code));
    },
  });

  // A GET on the socket path that is not a WebSocket handshake (a proxy that dropped the upgrade
  // headers, or a plain browser request): answer 426 instead of a misleading 404.
  app.get(options.path, (res) => {
    res.cork(() => res.writeStatus('426 Upgrade Required').writeHeader('content-type', 'text/plain').end('missing Upgrade: websocket'));
  });

  for (const [path, route] of Object.entries(options.routes)) {
    app.get(path, (res, req) => serveHttp(res, req, path, route));
  }
  app.any('/*', (res) => {
    res.cork(() => res.writeStatus('404 Not Found').writeHeader('content-type', 'application/json').end('{"detail":"Not Found"}'));
  });

  return {
    listen(host, port) {
      return new Promise<number>((resolve, reject) => {
        app.listen(host, port, (socket) => {
          if (socket === false) {
            reject(new Error(`edge could not listen on ${host}:${port}`));
            return;
          }
          listenSocket = socket;
          // Typed for a socket, but it accepts the listen socket too (docs/stack.md §2).
          resolve(uWS.us_socket_local_port(socket));
        });
      });
    },
    publish(topic, frame) {
      app.publish(topic, frame, false, false);
    },
    numSubscribers(topic) {
      return app.numSubscribers(topic);
    },
    stopListening() {
      if (listenSocket !== undefined) {
        uWS.us_listen_socket_close(listenSocket);
        listenSocket = undefined;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      if (listenSocket !== undefined) {
        uWS.us_listen_socket_close(listenSocket);
        listenSocket = undefined;
      }
      app.close();
    },
  };
}

function serveHttp(res: uWS.HttpResponse, req: uWS.HttpRequest, path: string, route: HttpRoute): void {
  const headers = new Map<string, string>();
  req.forEach((name, value) => headers.set(name, value));
  const info: HttpRequestInfo = { path, query: req.getQuery() ?? '', header: (name) => headers.get(name.toLowerCase()) ?? '' };
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  const write = (reply: HttpReply): void => {
    if (aborted) return;
    res.cork(() => {
      res
        .writeStatus(`${reply.status} ${STATUS_TEXT[reply.status] ?? ''}`.trim())
        .writeHeader('content-type', reply.contentType ?? 'application/json; charset=utf-8')
        .writeHeader('cache-control', 'no-store')
        .end(reply.body);
    });
  };
  try {
    const reply = route(info);
    if (reply instanceof Promise) {
      reply.then(write, (err: unknown) =>
        write({ status: 500, body: JSON.stringify({ detail: err instanceof Error ? err.message : 'internal error' }) }),
      );
    } else {
      write(reply);
    }
  } catch (err) {
    write({ status: 500, body: JSON.stringify({ detail: err instanceof Error ? err.message : 'internal error' }) });
  }
}
