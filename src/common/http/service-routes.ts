import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { CloudError } from '../errors.js';
import {
  InputError,
  InternalError,
  MethodNotAllowedError,
  NotFoundError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  isCloudError,
} from '../errors.js';
import type { FaultDialect } from '../faults/fault-dialect.js';
import type { PolicyEnforcer, PolicyTarget } from '../policy/policy-engine.js';
import { credentialsOf } from '../policy/policy-engine.js';
import { accessRulesPermit, type AccessRule } from './access-rules.js';
import type { AuthContext, TokenValidator } from './auth-context.js';
import { HttpResponse } from './http-response.js';
import { bodyTooLarge } from './json-body.js';
import type { Microversion, MicroversionPolicy } from './microversion.js';
import { formatMicroversion, microversionHeaders, negotiateMicroversion } from './microversion.js';
import { isRaw, responseMismatch, serializeResult } from './response-body.js';
import type { ResponseChecker } from './response-check.js';
import { compileResponseChecker } from './response-check.js';
import type { ResponseSerializer } from './response-serializer.js';
import { compileResponseSerializer } from './response-serializer.js';
import type { RequestContext, RouteSpec } from './route-spec.js';
import type { Validator } from './validation.js';
import { compileValidator } from './validation.js';

export interface ServiceHttpOptions<D> {
  /** The service type as the catalog lists it, e.g. 'identity' (logs and access rules use it). */
  readonly name: string;
  /** Path prefix the service is mounted at, e.g. '/identity'. */
  readonly prefix: string;
  readonly deps: D;
  readonly routes: ReadonlyArray<RouteSpec<D>>;
  readonly fault: FaultDialect;
  readonly tokens: TokenValidator;
  readonly policy: PolicyEnforcer;
  /** The service's own wording for a body that is not JSON. */
  readonly malformedBodyMessage: string;
  readonly microversions?: MicroversionPolicy;
  /** Headers added to every 401 (Keystone's WWW-Authenticate). */
  readonly unauthorizedHeaders?: (serviceUrl: string) => Record<string, string>;
  /** Turn errors a route did not declare into 500s (tests enable this, as Nova's do). */
  readonly strictErrors?: boolean;
  /**
   * Check every success body against the route's response schema and answer 500 naming the
   * mismatch, or a serializer that reads the body differently (tests enable this;
   * production skips the cost, and writes bodies with JSON.stringify).
   */
  readonly strictResponses?: boolean;
  /**
   * Answer a known path with the wrong method 405 and an `Allow` header, as Keystone,
   * Glance and Placement do; Nova has no such route and answers 404.
   */
  readonly rejectOtherMethods?: boolean;
  /** Service-specific Fastify setup inside the plugin's scope, e.g. content-type parsers. */
  readonly configure?: (app: FastifyInstance) => void;
}

interface CompiledRoute<D> {
  readonly spec: RouteSpec<D>;
  readonly body?: Validator;
  readonly query?: Validator;
  readonly response?: ResponseChecker;
  readonly serialize?: ResponseSerializer;
}

/** Mounts a service's route table as one encapsulated Fastify plugin with its own fault format. */
export function serviceRoutes<D>(opts: ServiceHttpOptions<D>): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    opts.configure?.(app);
    app.setErrorHandler((err, req, reply) =>
      sendFault(opts, req, reply, toCloudError(err as Error, opts, req)),
    );
    app.setNotFoundHandler((req, reply) =>
      sendFault(
        opts,
        req,
        reply,
        new NotFoundError('common.http.no_route', 'The resource could not be found.'),
      ),
    );
    // HEAD first: Fastify derives HEAD from GET unless one is declared before it.
    const ordered = [...opts.routes].sort(
      (a, b) => Number(b.method === 'HEAD') - Number(a.method === 'HEAD'),
    );
    for (const spec of ordered) {
      const compiled: CompiledRoute<D> = {
        spec,
        ...(spec.body && { body: compileValidator(spec.body) }),
        ...(spec.query && { query: compileValidator(spec.query) }),
        ...(opts.strictResponses && spec.response && { response: compileResponseChecker(spec.response) }),
        // Production writes bodies with JSON.stringify: measured faster than the schema serializer
        // on large lists (docs/benchmarks.md); tests serialize from the schema to prove the fit.
        ...(opts.strictResponses && spec.response && { serialize: compileResponseSerializer(spec.response) }),
      };
      app.route({
        method: spec.method,
        url: spec.url,
        // What the route declares about access, readable by onRoute hooks (the route audit test).
        config: {
          policy: spec.policy,
          auth: spec.auth ?? 'token',
          successStatus: spec.successStatus,
          response: spec.response !== undefined,
        },
        // Returning the reply tells Fastify the response is ours, so streamed bodies are not resent.
        handler: async (req, reply) => {
          await handle(opts, compiled, req, reply);
          return reply;
        },
      });
    }
    if (opts.rejectOtherMethods) rejectOtherMethods(app, opts.routes);
  };
}

const httpMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Registers, for every path, a 405 route over the methods the path does not have. */
function rejectOtherMethods<D>(app: FastifyInstance, routes: ReadonlyArray<RouteSpec<D>>): void {
  const byUrl = new Map<string, Set<string>>();
  for (const r of routes) byUrl.set(r.url, (byUrl.get(r.url) ?? new Set()).add(r.method));
  for (const [url, declared] of byUrl) {
    // Fastify answers HEAD for every GET route.
    if (declared.has('GET')) declared.add('HEAD');
    const allow = httpMethods.filter((m) => declared.has(m)).join(', ');
    const missing = httpMethods.filter((m) => !declared.has(m));
    if (missing.length === 0) continue;
    app.route({
      method: missing,
      url,
      config: { policy: undefined, auth: 'none' },
      handler: async (req) => {
        throw new MethodNotAllowedError(
          'common.http.method_not_allowed',
          `The method ${req.method} is not allowed for this resource.`,
          { allow },
        );
      },
    });
  }
}

/** The microversion each request negotiated, for faults rendered after a handler threw. */
const negotiated = new WeakMap<FastifyRequest, Microversion>();

async function handle<D>(
  opts: ServiceHttpOptions<D>,
  route: CompiledRoute<D>,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const { spec } = route;
  const serviceUrl = `${req.protocol}://${req.host}${opts.prefix}`;
  const token = headerValue(req.headers['x-auth-token']);
  const auth = token !== undefined && spec.auth !== 'none' ? await opts.tokens.validate(token) : undefined;
  const maybeAuth =
    spec.auth === 'none' && token !== undefined ? await optionalAuth(opts.tokens, token) : auth;
  if (spec.auth !== 'none' && auth === undefined) throw unauthenticated();
  if (maybeAuth?.accessRules !== undefined) checkAccessRules(opts, req, maybeAuth.accessRules);
  const microversion = opts.microversions
    ? negotiateMicroversion(req.headers, opts.microversions)
    : undefined;
  if (microversion && opts.microversions) {
    negotiated.set(req, microversion);
    reply.headers(microversionHeaders(microversion, opts.microversions));
  }

  const body = route.body ? route.body(req.body ?? {}, 'body') : req.body;
  const query = (route.query ? route.query(coerceQuery(req.query), 'query') : req.query) as Record<
    string,
    unknown
  >;
  const full = makeContext(opts, req, { auth: maybeAuth, serviceUrl, microversion, body, query });
  if (spec.policy !== undefined) {
    const target = spec.target ? await spec.target(full, opts.deps) : { ...full.params };
    full.authorize(spec.policy, target);
  }
  const result = await spec.handler(full, opts.deps);
  if (route.response) checkResponse(route.response, result, spec, microversion, req);
  const out = serializeResult(route.serialize, result, {
    route: `${spec.method} ${spec.url}`,
    microversion,
    successStatus: spec.successStatus,
    log: req.log,
  });
  send(reply, out, spec.successStatus);
}

function makeContext<D>(
  opts: ServiceHttpOptions<D>,
  req: FastifyRequest,
  extra: {
    auth: AuthContext | undefined;
    serviceUrl: string;
    microversion: RequestContext['microversion'];
    body: unknown;
    query: Record<string, unknown>;
  },
): RequestContext {
  const caller = (): AuthContext => {
    if (extra.auth === undefined) throw unauthenticated();
    return extra.auth;
  };
  const path = req.url.split('?')[0] ?? req.url;
  return {
    requestId: String(req.id),
    log: req.log,
    get auth() {
      return caller();
    },
    maybeAuth: extra.auth,
    body: extra.body,
    query: extra.query,
    params: req.params as Record<string, string>,
    headers: req.headers,
    serviceUrl: extra.serviceUrl,
    remoteAddress: req.ip,
    url: `${req.protocol}://${req.host}${path}`,
    microversion: extra.microversion,
    authorize: (rule: string, target: PolicyTarget) =>
      opts.policy.enforce(rule, credentialsOf(caller()), target),
    can: (rule: string, target: PolicyTarget) => opts.policy.check(rule, credentialsOf(caller()), target),
  };
}

async function optionalAuth(tokens: TokenValidator, token: string): Promise<AuthContext | undefined> {
  try {
    return await tokens.validate(token);
  } catch {
    return undefined;
  }
}

function send(reply: FastifyReply, result: unknown, status: number): void {
  if (result instanceof HttpResponse) {
    reply.headers(result.headers);
    reply.code(result.status ?? status);
    if (result.body === undefined) void reply.send();
    else void reply.send(result.body);
    return;
  }
  reply.code(status);
  if (status === 204 || result === undefined) void reply.send();
  else void reply.send(result);
}

/** Strict responses: a body that strays from the route's schema is a 500 naming the fields. */
function checkResponse<D>(
  checker: ResponseChecker,
  result: unknown,
  spec: RouteSpec<D>,
  microversion: Microversion | undefined,
  req: FastifyRequest,
): void {
  const body = result instanceof HttpResponse ? result.body : result;
  const status = result instanceof HttpResponse ? (result.status ?? spec.successStatus) : spec.successStatus;
  if (status === 204 || isRaw(body)) return;
  const problems = checker(body, microversion);
  if (problems === undefined || problems.length === 0) return;
  const at = microversion ? ` at ${formatMicroversion(microversion)}` : '';
  const message = `${responseMismatch} ${spec.method} ${spec.url}${at}: ${problems.join('; ')}`;
  req.log.error({ problems }, message);
  throw new InternalError('common.http.response_schema', message);
}

// The words a strict-response 500 starts with; the test cloud imports them from here.
export { responseMismatch };

function sendFault<D>(
  opts: ServiceHttpOptions<D>,
  req: FastifyRequest,
  reply: FastifyReply,
  err: CloudError,
): void {
  const serviceUrl = `${req.protocol}://${req.host}${opts.prefix}`;
  const rendered = opts.fault(err, String(req.id), negotiated.get(req));
  const extra = err.status === 401 && opts.unauthorizedHeaders ? opts.unauthorizedHeaders(serviceUrl) : {};
  reply.code(rendered.status).headers({ ...rendered.headers, ...extra });
  if (req.method === 'HEAD') void reply.send();
  else void reply.type('application/json').send(rendered.body);
}

/** Maps framework and unexpected errors to domain errors; logs what the client will not see. */
function toCloudError<D>(
  err: FastifyError | Error,
  opts: ServiceHttpOptions<D>,
  req: FastifyRequest,
): CloudError {
  if (isCloudError(err)) return checkDeclared(err, opts, req);
  const fe = err as FastifyError;
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new UnsupportedMediaTypeError(
      'common.http.media_type',
      `Unsupported Content-Type: ${String(req.headers['content-type'])}`,
    );
  }
  if (
    fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    err instanceof SyntaxError
  ) {
    return new InputError('common.http.malformed_body', opts.malformedBodyMessage);
  }
  if (fe.statusCode === 413) return bodyTooLarge();
  req.log.error({ err }, 'unexpected error');
  return new InternalError(
    'common.http.internal',
    'An unexpected error prevented the server from fulfilling your request.',
  );
}

function checkDeclared<D>(err: CloudError, opts: ServiceHttpOptions<D>, req: FastifyRequest): CloudError {
  if (!opts.strictErrors || err.status >= 500) return err;
  const route = opts.routes.find(
    (r) => r.method === req.method && `${opts.prefix}${r.url}` === req.routeOptions.url,
  );
  if (route === undefined || [400, 401, 403, 406].includes(err.status)) return err;
  if ((route.expectedErrors as ReadonlyArray<number>).includes(err.status)) return err;
  req.log.error({ err }, `route ${route.method} ${route.url} answered undeclared status ${err.status}`);
  return new InternalError('common.http.undeclared', `Undeclared error status ${err.status}: ${err.message}`);
}

/** A token from a credential with access rules works only for the calls they list (keystonemiddleware). */
function checkAccessRules<D>(
  opts: ServiceHttpOptions<D>,
  req: FastifyRequest,
  rules: ReadonlyArray<AccessRule>,
): void {
  const path = (req.url.split('?')[0] ?? req.url).slice(opts.prefix.length);
  if (accessRulesPermit(rules, { serviceType: opts.name, method: req.method, path })) return;
  req.log.info({ method: req.method, path }, 'no access rule of the application credential allows this call');
  throw unauthenticated();
}

function unauthenticated(): UnauthorizedError {
  return new UnauthorizedError('common.auth.required', 'The request you have made requires authentication.');
}

function headerValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

// Query strings arrive as strings; TypeBox checks them as such unless a schema says otherwise.
function coerceQuery(q: unknown): Record<string, unknown> {
  return { ...(q as Record<string, unknown>) };
}
