import type { FastifyBaseLogger } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { Type } from 'typebox';
import type { PolicyTarget } from '../policy/policy-engine.js';
import type { AuthContext } from './auth-context.js';
import type { Microversion } from './microversion.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type ExpectedStatus = 400 | 401 | 403 | 404 | 406 | 409 | 412 | 413 | 415 | 416 | 429;

/**
 * The success body's schema for a range of microversions (inclusive; either end open).
 * Versions are written as Nova writes them: '2.47'.
 */
export interface VersionedResponse {
  readonly from?: string;
  /** The last microversion the schema applies to. */
  readonly until?: string;
  readonly schema: TSchema;
}

/** The response schema of a route whose success status is not 204 yet sends no body (Nova's 202s). */
export const noBody: TSchema = Type.Undefined();

/** One schema for every version, or one per microversion range (ranges must not overlap). */
export type ResponseSchemas = TSchema | ReadonlyArray<VersionedResponse>;

export interface RequestContext<B = unknown, Q = Readonly<Record<string, unknown>>> {
  readonly requestId: string;
  readonly log: FastifyBaseLogger;
  /** The caller; reading it on a route with `auth: 'none'` and no token throws 401. */
  readonly auth: AuthContext;
  /** The caller when a token was sent, on routes that also serve anonymous clients. */
  readonly maybeAuth: AuthContext | undefined;
  readonly body: B;
  readonly query: Q;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Public URL of this service's root, e.g. `http://127.0.0.1:5000/identity`. */
  readonly serviceUrl: string;
  /** The client's address (the socket's peer; no proxy headers are trusted). */
  readonly remoteAddress: string;
  /** Public URL of the request path without its query. */
  readonly url: string;
  readonly microversion: Microversion | undefined;
  /** Throws 403 unless `rule` allows the caller on `target` (checks that need a loaded object). */
  authorize(rule: string, target: PolicyTarget): void;
  /** Like authorize, returning a boolean (for filtering lists). */
  can(rule: string, target: PolicyTarget): boolean;
}

export interface RouteSpec<D> {
  readonly method: HttpMethod;
  /** Path under the service prefix, with Fastify params: '/v3/projects/:project_id'. */
  readonly url: string;
  /** 'token' (default) requires X-Auth-Token; 'none' serves anyone (version discovery, login). */
  readonly auth?: 'token' | 'none';
  /** Policy rule checked before the handler; omitted only with a reason (self-checking handlers). */
  readonly policy?: string;
  /** Builds the policy target; defaults to the URL params. */
  readonly target?: (ctx: RequestContext, deps: D) => PolicyTarget | Promise<PolicyTarget>;
  readonly body?: TSchema;
  readonly query?: TSchema;
  readonly successStatus: 200 | 201 | 202 | 204 | 300;
  /**
   * The success body's schema (strict: no field more or less than the API reference lists),
   * checked on every answer when the cloud runs with strict responses (tests). Routes that
   * answer 204 declare none.
   */
  readonly response?: ResponseSchemas;
  /** Error statuses this route may answer besides 401/403 (auth) and 400 (schemas); Nova's rule. */
  readonly expectedErrors: ReadonlyArray<ExpectedStatus>;
  readonly handler: (ctx: RequestContext, deps: D) => Promise<unknown>;
}

type StaticOr<T, Fallback> = T extends TSchema ? Static<T> : Fallback;

/** Declares a route with the handler's body and query typed from its schemas. */
export function route<
  D,
  B extends TSchema | undefined = undefined,
  Q extends TSchema | undefined = undefined,
>(
  spec: Omit<RouteSpec<D>, 'handler' | 'body' | 'query'> & {
    readonly body?: B;
    readonly query?: Q;
    readonly handler: (
      ctx: RequestContext<StaticOr<B, unknown>, StaticOr<Q, Readonly<Record<string, unknown>>>>,
      deps: D,
    ) => Promise<unknown>;
  },
): RouteSpec<D> {
  return spec as unknown as RouteSpec<D>;
}
