/**
 * A typed client of the point's local API for browsers (kiosk-ui, virtual point page) and tests:
 * fetch only, no Node imports. Every answer is checked against its contract schema before it is
 * returned; an answer that does not match throws KioskContractError (naming the route and the
 * fields), an error answer throws KioskHttpError (status, machine code, translated message).
 */
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { ErrorSchema } from './common.ts';
import {
  LIVE_PATH,
  kioskRoutes,
  type CableBody,
  type CardBody,
  type FireBody,
  type HelpBody,
  type I18nQuery,
  type KioskRoutes,
  type RouteDef,
  type TokenBody,
} from './routes.ts';
import type { DropOffBody, PickupBody, SimFridgeBody } from './lockers.ts';
import type { AgeBody, ConfirmBody, LooseBody, PayBody, ScanBody } from './checkout.ts';
import type { SimPaperBody, SimReaderBody, SimScanBody, TechnicianPinBody, TechnicianServiceBody, TechnicianSessionBody } from './service.ts';

/** The point answered with an error (4xx/5xx) in the contract's error shape. */
export class KioskHttpError extends Error {
  constructor(
    readonly route: string,
    readonly status: number,
    /** Machine code, e.g. `FST_ERR_VALIDATION`, `unknown-board`, `internal`. */
    readonly code: string,
    /** Translated text for the person at the kiosk. */
    message: string,
    /** Technical detail (English), when the point gave one. */
    readonly detail: string | undefined,
  ) {
    super(message);
    this.name = 'KioskHttpError';
  }
}

/** The point's answer does not match the contract (a client and controller of different versions, or a bug). */
export class KioskContractError extends Error {
  constructor(
    readonly route: string,
    readonly status: number,
    readonly problems: string[],
  ) {
    super(`${route} answered ${status} with a body that does not match the kiosk contract: ${problems.join('; ')}`);
    this.name = 'KioskContractError';
  }
}

export interface KioskClientOptions {
  /** Origin of the point, e.g. `http://127.0.0.1:8080`; empty (the default) = same origin (relative URLs). */
  baseUrl?: string;
  /** Sent as Accept-Language (the language of `message` texts); the browser's own otherwise. */
  lang?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

type Answer<R extends RouteDef> = Static<R['response']>;

const validators = new Map<TSchema, ReturnType<typeof Compile>>();
function validatorOf(schema: TSchema): ReturnType<typeof Compile> {
  let v = validators.get(schema);
  if (!v) {
    v = Compile(schema);
    validators.set(schema, v);
  }
  return v;
}

/** Problems of `value` against `schema` (empty = valid). */
export function contractProblems(schema: TSchema, value: unknown): string[] {
  const v = validatorOf(schema);
  if (v.Check(value)) return [];
  return v
    .Errors(value)
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** `ws://…/api/live` for an http(s) origin (the kiosk: `liveUrl(location.origin)`). */
export function liveUrl(baseUrl: string): string {
  return baseUrl.replace(/^http/, 'ws').replace(/\/$/, '') + LIVE_PATH;
}

export interface KioskClient {
  health(): Promise<Answer<KioskRoutes['health']>>;
  state(): Promise<Answer<KioskRoutes['state']>>;
  hardware(): Promise<Answer<KioskRoutes['hardware']>>;
  i18n(query?: I18nQuery): Promise<Answer<KioskRoutes['i18n']>>;
  presentToken(body: TokenBody): Promise<Answer<KioskRoutes['presentToken']>>;
  presentCard(body: CardBody): Promise<Answer<KioskRoutes['presentCard']>>;
  lockers(): Promise<Answer<KioskRoutes['lockers']>>;
  pickup(body: PickupBody): Promise<Answer<KioskRoutes['pickup']>>;
  dropOff(body: DropOffBody): Promise<Answer<KioskRoutes['dropOff']>>;
  fridges(): Promise<Answer<KioskRoutes['fridges']>>;
  alarms(): Promise<Answer<KioskRoutes['alarms']>>;
  /** Ask for help (recorded for the backoffice). */
  help(body: HelpBody): Promise<Answer<KioskRoutes['help']>>;
  /** The kiosk checkout: a refusal is an answer with `ok: false`; an unknown sale throws KioskHttpError 404. */
  checkout: {
    begin(): Promise<Answer<KioskRoutes['checkoutBegin']>>;
    scan(saleId: string, body: ScanBody): Promise<Answer<KioskRoutes['checkoutScan']>>;
    loose(saleId: string, body: LooseBody): Promise<Answer<KioskRoutes['checkoutLoose']>>;
    looseCatalog(): Promise<Answer<KioskRoutes['catalogLoose']>>;
    confirm(saleId: string, body: ConfirmBody): Promise<Answer<KioskRoutes['checkoutConfirm']>>;
    age(saleId: string, body: AgeBody): Promise<Answer<KioskRoutes['checkoutAge']>>;
    pay(saleId: string, body: PayBody): Promise<Answer<KioskRoutes['checkoutPay']>>;
    sale(saleId: string): Promise<Answer<KioskRoutes['checkoutSale']>>;
    abort(saleId: string): Promise<Answer<KioskRoutes['checkoutAbort']>>;
    receipt(saleId: string): Promise<Answer<KioskRoutes['checkoutReceipt']>>;
    print(saleId: string): Promise<Answer<KioskRoutes['checkoutPrint']>>;
  };
  service(): Promise<Answer<KioskRoutes['service']>>;
  technician: {
    signIn(body: TechnicianPinBody): Promise<Answer<KioskRoutes['technicianSignIn']>>;
    status(body: TechnicianSessionBody): Promise<Answer<KioskRoutes['technicianStatus']>>;
    service(body: TechnicianServiceBody): Promise<Answer<KioskRoutes['technicianService']>>;
  };
  /** Controls of a simulated point (404 on a real one). */
  sim: {
    push(): Promise<Answer<KioskRoutes['simPush']>>;
    force(): Promise<Answer<KioskRoutes['simForce']>>;
    close(): Promise<Answer<KioskRoutes['simClose']>>;
    exit(): Promise<Answer<KioskRoutes['simExit']>>;
    fire(body: FireBody): Promise<Answer<KioskRoutes['simFire']>>;
    credentials(): Promise<Answer<KioskRoutes['simCredentials']>>;
    cable(body: CableBody): Promise<Answer<KioskRoutes['simCable']>>;
    fridges(): Promise<Answer<KioskRoutes['simFridges']>>;
    fridge(body: SimFridgeBody): Promise<Answer<KioskRoutes['simFridge']>>;
    reader(body: SimReaderBody): Promise<Answer<KioskRoutes['simReader']>>;
    scan(body: SimScanBody): Promise<Answer<KioskRoutes['simScan']>>;
    products(): Promise<Answer<KioskRoutes['simProducts']>>;
    printer(): Promise<Answer<KioskRoutes['simPrinter']>>;
    paper(body: SimPaperBody): Promise<Answer<KioskRoutes['simPaper']>>;
  };
}

export function createKioskClient(opts: KioskClientOptions = {}): KioskClient {
  const base = (opts.baseUrl ?? '').replace(/\/$/, '');
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));

  async function call<R extends RouteDef>(
    route: R,
    input: { body?: unknown; query?: Record<string, string | undefined>; id?: string } = {},
  ): Promise<Answer<R>> {
    const name = `${route.method} ${route.path}`;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) params.set(k, v);
    const path = input.id !== undefined ? route.path.replace(':id', encodeURIComponent(input.id)) : route.path;
    const url = base + path + (params.toString() ? `?${params.toString()}` : '');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.lang) headers['accept-language'] = opts.lang;
    // no content-type without a body: fastify refuses an empty JSON body
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    const res = await doFetch(url, {
      method: route.method,
      headers,
      ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
    });
    const text = await res.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new KioskContractError(name, res.status, [`body is not JSON: ${JSON.stringify(text.slice(0, 80))}`]);
    }
    if (!res.ok) {
      const problems = contractProblems(ErrorSchema, value);
      if (problems.length > 0) throw new KioskContractError(name, res.status, problems);
      const e = value as Static<typeof ErrorSchema>;
      throw new KioskHttpError(name, res.status, e.error, e.message, e.detail);
    }
    const problems = contractProblems(route.response, value);
    if (problems.length > 0) throw new KioskContractError(name, res.status, problems);
    return value as Answer<R>;
  }

  const r = kioskRoutes;
  return {
    health: () => call(r.health),
    state: () => call(r.state),
    hardware: () => call(r.hardware),
    i18n: (query = {}) => call(r.i18n, { query }),
    presentToken: (body) => call(r.presentToken, { body }),
    presentCard: (body) => call(r.presentCard, { body }),
    lockers: () => call(r.lockers),
    pickup: (body) => call(r.pickup, { body }),
    dropOff: (body) => call(r.dropOff, { body }),
    fridges: () => call(r.fridges),
    alarms: () => call(r.alarms),
    help: (body) => call(r.help, { body }),
    checkout: {
      begin: () => call(r.checkoutBegin),
      scan: (id, body) => call(r.checkoutScan, { id, body }),
      loose: (id, body) => call(r.checkoutLoose, { id, body }),
      looseCatalog: () => call(r.catalogLoose),
      confirm: (id, body) => call(r.checkoutConfirm, { id, body }),
      age: (id, body) => call(r.checkoutAge, { id, body }),
      pay: (id, body) => call(r.checkoutPay, { id, body }),
      sale: (id) => call(r.checkoutSale, { id }),
      abort: (id) => call(r.checkoutAbort, { id }),
      receipt: (id) => call(r.checkoutReceipt, { id }),
      print: (id) => call(r.checkoutPrint, { id }),
    },
    service: () => call(r.service),
    technician: {
      signIn: (body) => call(r.technicianSignIn, { body }),
      status: (body) => call(r.technicianStatus, { body }),
      service: (body) => call(r.technicianService, { body }),
    },
    sim: {
      push: () => call(r.simPush),
      force: () => call(r.simForce),
      close: () => call(r.simClose),
      exit: () => call(r.simExit),
      fire: (body) => call(r.simFire, { body }),
      credentials: () => call(r.simCredentials),
      cable: (body) => call(r.simCable, { body }),
      fridges: () => call(r.simFridges),
      fridge: (body) => call(r.simFridge, { body }),
      reader: (body) => call(r.simReader, { body }),
      scan: (body) => call(r.simScan, { body }),
      products: () => call(r.simProducts),
      printer: () => call(r.simPrinter),
      paper: (body) => call(r.simPaper, { body }),
    },
  };
}
