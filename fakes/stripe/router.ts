/** A tiny route table: `POST /v1/payment_intents/:id/capture` → handler with `{ id }`. */
import type { FormObject } from './form.ts';

export interface RequestContext {
  /** Body (POST) or query (GET) parameters, decoded as Stripe does. */
  params: FormObject;
  path: Record<string, string>;
  requestId: string;
  idempotencyKey: string | null;
}

export interface Reply {
  status?: number;
  body: unknown;
  /** Default JSON; the phone's checkout page answers with HTML. */
  contentType?: 'application/json' | 'text/html; charset=utf-8';
}

export type Handler = (req: RequestContext) => Reply;

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: 'GET' | 'POST' | 'DELETE', pattern: string, handler: Handler): void {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((seg) => {
        if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(seg.slice(1));
        return '([A-Za-z0-9_]+)';
      })
      .join('/');
    this.routes.push({ method, regex: new RegExp(`^${source}$`), names, handler });
  }

  match(method: string, pathname: string): { handler: Handler; path: Record<string, string> } | 'method' | null {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.regex.exec(pathname);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const path: Record<string, string> = {};
      r.names.forEach((n, i) => (path[n] = m[i + 1] as string));
      return { handler: r.handler, path };
    }
    return pathMatched ? 'method' : null;
  }
}
