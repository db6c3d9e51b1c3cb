/**
 * The fake's HTTP front: reads the body, checks the secret key (`Authorization: Bearer sk_…`),
 * applies injected faults, decodes form parameters, replays idempotent requests and answers
 * Stripe-shaped JSON. `/_fake/…` is the unauthenticated control surface (tests, the simulated
 * point page, the customer's phone). Bodies are never logged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../firmware-bridge/platform/logger.ts';
import { ApiError } from './errors.ts';
import { FormError, parseForm, type FormObject, type FormValue } from './form.ts';
import type { IdempotencyStore } from './idempotency.ts';
import { newId } from './ids.ts';
import type { Reply, Router } from './router.ts';

const MAX_BODY = 1024 * 1024;

export type FaultMode = 'status500' | 'hang' | 'dropAfterCommit';

export interface Fault {
  mode: FaultMode;
  remaining: number;
  method?: string;
  /** Applies to API paths starting with this prefix (default: every API path). */
  pathPrefix?: string;
}

export interface HttpFrontDeps {
  api: Router;
  control: Router;
  secretKey: string;
  idempotency: IdempotencyStore;
  faults: Fault[];
  logger: Logger;
}

class BodyTooLarge extends Error {}

/** The body as text; a body over MAX_BODY is read to its end and dropped (past 8× it, the socket is cut). */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 8 * MAX_BODY) {
        req.destroy();
        reject(new BodyTooLarge());
        return;
      }
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => (size > MAX_BODY ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): void {
  const text = typeof body === 'string' && contentType.startsWith('text/html') ? body : JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  if (h.startsWith('Bearer ')) return h.slice(7).trim();
  if (h.startsWith('Basic ')) return Buffer.from(h.slice(6), 'base64').toString('utf8').split(':')[0] ?? null;
  return null;
}

/** JSON control bodies become the same string tree form bodies give. */
function jsonToForm(value: unknown): FormValue {
  if (Array.isArray(value)) return value.map(jsonToForm);
  if (value !== null && typeof value === 'object') {
    const out = Object.create(null) as FormObject;
    for (const [k, v] of Object.entries(value)) out[k] = jsonToForm(v);
    return out;
  }
  return String(value);
}

function parseControlBody(req: IncomingMessage, text: string, search: string): FormObject {
  if (text.trim() === '') return parseForm(search);
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    const v = jsonToForm(JSON.parse(text) as unknown);
    if (typeof v !== 'object' || Array.isArray(v)) throw new FormError('The body must be a JSON object.');
    return v;
  }
  return parseForm(text);
}

function errorReply(err: unknown, logger: Logger, requestId: string): { status: number; body: unknown } {
  if (err instanceof ApiError) return { status: err.status, body: { error: err.body } };
  if (err instanceof FormError || err instanceof SyntaxError) {
    return { status: 400, body: { error: { type: 'invalid_request_error', message: err.message } } };
  }
  logger.error({ err: (err as Error).message, requestId }, 'stripe fake: internal error');
  return { status: 500, body: { error: { type: 'api_error', message: 'An unknown error occurred in the fake.' } } };
}

export function createHttpFront(deps: HttpFrontDeps): { server: Server; hanging: Set<ServerResponse> } {
  const hanging = new Set<ServerResponse>();
  const log = deps.logger;

  function takeFault(method: string, pathname: string): Fault | undefined {
    const i = deps.faults.findIndex((f) => f.remaining > 0 && (!f.method || f.method === method) && (!f.pathPrefix || pathname.startsWith(f.pathPrefix)));
    const fault = deps.faults[i];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) deps.faults.splice(i, 1);
    return fault;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newId('req', 14);
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const pathname = url.pathname;
    let text: string;
    try {
      text = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge && !res.destroyed) {
        send(res, 413, { error: { type: 'invalid_request_error', message: 'Request body too large (at most 1 MiB).' } });
      }
      return;
    }
    const common = { 'request-id': requestId };

    if (pathname.startsWith('/_fake/')) {
      let reply: Reply;
      try {
        const m = deps.control.match(method, pathname);
        if (!m || m === 'method') throw new ApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${pathname}).` });
        reply = m.handler({ params: parseControlBody(req, text, url.search.slice(1)), path: m.path, requestId, idempotencyKey: null });
      } catch (err) {
        reply = errorReply(err, log, requestId);
      }
      send(res, reply.status ?? 200, reply.body, common, reply.contentType);
      return;
    }

    const key = bearer(req);
    if (!key || !sameSecret(key, deps.secretKey)) {
      log.warn({ method, path: pathname, requestId }, 'stripe fake: refused a request without the right API key');
      send(
        res,
        401,
        {
          error: { type: 'invalid_request_error', message: key ? `Invalid API Key provided: ${key.slice(0, 8)}****` : 'You did not provide an API key.' },
        },
        common,
      );
      return;
    }

    const fault = takeFault(method, pathname);
    if (fault?.mode === 'status500') {
      log.info({ method, path: pathname, requestId }, 'stripe fake: injected 500');
      send(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred (injected by the fake).' } }, common);
      return;
    }
    if (fault?.mode === 'hang') {
      log.info({ method, path: pathname, requestId }, 'stripe fake: injected hang');
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }

    const idemKey = method === 'POST' ? ((req.headers['idempotency-key'] as string | undefined) ?? null) : null;
    let status: number;
    let body: unknown;
    const headers: Record<string, string> = { ...common };
    try {
      const params = method === 'POST' ? parseForm(text) : parseForm(url.search.slice(1));
      const endpoint = `${method} ${pathname}`;
      const replay = idemKey ? deps.idempotency.lookup(idemKey, endpoint, params) : undefined;
      if (replay) {
        ({ status, body } = replay);
        headers['idempotent-replayed'] = 'true';
        headers['original-request'] = replay.requestId;
      } else {
        const m = deps.api.match(method, pathname);
        if (!m || m === 'method') {
          throw new ApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${pathname}).` });
        }
        let stored = true;
        try {
          const reply = m.handler({ params, path: m.path, requestId, idempotencyKey: idemKey });
          status = reply.status ?? 200;
          body = reply.body;
        } catch (err) {
          ({ status, body } = errorReply(err, log, requestId));
          stored = err instanceof ApiError && err.replayable;
        }
        if (idemKey && stored) deps.idempotency.save(idemKey, endpoint, params, { status, body }, requestId);
      }
    } catch (err) {
      ({ status, body } = errorReply(err, log, requestId));
    }
    if (idemKey) headers['idempotency-key'] = idemKey;
    log.info({ method, path: pathname, status, requestId, replayed: headers['idempotent-replayed'] === 'true' }, 'stripe fake: request');
    if (fault?.mode === 'dropAfterCommit') {
      log.info({ method, path: pathname, requestId }, 'stripe fake: injected connection drop after commit');
      req.socket.destroy();
      return;
    }
    send(res, status, body, headers);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err: (err as Error).message }, 'stripe fake: request failed');
      if (!res.headersSent) send(res, 500, { error: { type: 'api_error', message: 'Internal error.' } });
    });
  });
  return { server, hanging };
}
