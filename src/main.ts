import { AuthFailureLimiter } from './identity/auth/auth-failure-limiter.js';
import { readFileSync } from 'node:fs';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createLogger } from './common/logger.js';
import { parse } from 'yaml';
import type { StrataConfig } from './common/config.js';
import { answerFrameworkError } from './common/http/framework-errors.js';
import { addJsonParser, jsonLimits, maxPathSegment } from './common/http/json-body.js';
import { globalRequestId, newRequestId, requestIdHeader } from './common/http/request-id.js';
import type { ServicePlugin } from './common/http/service-plugin.js';
import { serviceUrlRewrite } from './common/http/service-url-rewrite.js';
import type { ServiceContext } from './common/service-context.js';
import { createPolicyEnforcer } from './common/policy/policy-engine.js';
import type { Clock } from './common/time.js';
import { systemClock } from './common/time.js';
import type { StrataDb } from './db/database.js';
import { openDatabase } from './db/database.js';
import { startLocalHost } from './agent/fleet/local-host.js';
import { ComputeRuntime } from './compute/compute-runtime.js';
import { computePolicy, computeService } from './compute/index.js';
import { ensureCatalogEntry } from './identity/catalog/catalog-service.js';
import type { IdentityDeps } from './identity/index.js';
import { createTokenValidator, identityPolicy, identityService, projectExists } from './identity/index.js';
import { createPasswordHasher } from './identity/passwords/password-hash.js';
import { pruneRevocations } from './identity/tokens/revocation-store.js';
import { TokenKeyRing } from './identity/tokens/token-keys.js';
import type { ImageApi } from './image/index.js';
import { imagePolicy, imageService } from './image/index.js';
import type { NetworkBootstrap } from './network/index.js';
import { networkPolicy, networkService } from './network/index.js';
import { placementPolicy, placementService } from './placement/index.js';
import type { VolumeApi } from './volume/index.js';
import { volumePolicy, volumeService } from './volume/index.js';
import { volumeDevicePort } from './compute/volume-attachments/volume-device-port.js';
import { CloudMetrics } from './common/metrics/cloud-metrics.js';
import { instrumentHttp } from './common/metrics/http-metrics.js';
import { addObservabilityRoutes } from './common/metrics/observability-routes.js';
import { workloadsGauge } from './compute/compute-metrics.js';
import { dbPoolGauge } from './db/db-metrics.js';
import { addDashboardRoutes } from './dashboard/dashboard-routes.js';
import { serveSerialConsoles } from './compute/consoles/serial-console-socket.js';

/** The composition root: the only module that knows every service. */
export interface Cloud {
  readonly app: FastifyInstance;
  readonly store: StrataDb;
  readonly identity: IdentityDeps;
  readonly compute: ComputeRuntime;
  /** The image service's in-process API (bootstrap and other services use it). */
  readonly images: ImageApi;
  /** The network service's defaults for `strata up`. */
  readonly network: NetworkBootstrap;
  /** Block storage's in-process API. */
  readonly volumes: VolumeApi;
  readonly services: ReadonlyArray<ServicePlugin>;
  readonly log: Logger;
  readonly metrics: CloudMetrics;
  /** Registers every service in the catalog at `publicUrl` (after the port is known). */
  registerCatalog(publicUrl: string): Promise<void>;
  close(): Promise<void>;
}

/** Every service's default policy, merged; services add theirs here. */
const policyDefaults = {
  ...identityPolicy,
  ...imagePolicy,
  ...computePolicy,
  ...placementPolicy,
  ...networkPolicy,
  ...volumePolicy,
};

export interface BuildOptions {
  readonly log?: Logger;
  /** Tests move time with their own clock. */
  readonly clock?: Clock;
}

export async function buildCloud(config: StrataConfig, opts: BuildOptions = {}): Promise<Cloud> {
  const logger = opts.log ?? createLogger(config);
  const clock = opts.clock ?? systemClock;
  const metrics = new CloudMetrics();
  const store = await openDatabase(config.databaseUrl, {
    onConnectionLost: (err) => logger.warn({ err }, 'database connection lost; the pool reconnects'),
    onWriteDone: (seconds, committed) =>
      metrics.dbWrites.observe({ outcome: committed ? 'committed' : 'failed' }, seconds),
  });
  const identity: IdentityDeps = {
    store,
    clock,
    hasher: createPasswordHasher({ memoryKiB: config.passwordHashMemoryKiB, passes: 2 }),
    keys: new TokenKeyRing(store, clock, {
      rotateAfterMs: config.tokenRotateAfterSec * 1000,
      maxActiveKeys: config.tokenMaxActiveKeys,
    }),
    settings: {
      tokenExpirationSec: config.tokenExpirationSec,
      regionId: config.regionId,
      listLimit: 0,
      maxProjectTreeDepth: config.maxProjectTreeDepth,
      lockoutFailureAttempts: config.lockoutFailureAttempts,
      lockoutDurationSec: config.lockoutDurationSec,
    },
    authFailures: new AuthFailureLimiter(config.authFailuresPerMinute, clock),
  };
  await identity.keys.ensure();
  const overrides = config.policyFile
    ? ((parse(readFileSync(config.policyFile, 'utf8')) as Record<string, string> | null) ?? {})
    : {};
  const http = {
    tokens: createTokenValidator(identity, config.tokenCacheSec * 1000),
    policy: createPolicyEnforcer(policyDefaults, overrides),
    strictErrors: config.strictErrors,
    strictResponses: config.strictResponses,
  };
  const ctx: ServiceContext = { store, clock, config, log: logger, http };
  // One line per service; cross-service dependencies are wired here and nowhere else.
  const placement = placementService(ctx);
  const image = imageService(ctx);
  const network = networkService(ctx);
  const compute = new ComputeRuntime({
    store,
    clock,
    config,
    log: logger,
    images: image.api,
    placement: placement.api,
    projects: { exists: (id) => projectExists(identity, id) },
    network: network.api,
    metrics,
  });
  const volume = volumeService(ctx, () => volumeDevicePort(compute.deps), image.api, placement.api);
  compute.bindVolumes(volume.api);
  const computeApi = computeService(ctx, compute.deps, volume.api);
  const services: ServicePlugin[] = [
    identityService(identity, http),
    image,
    placement,
    computeApi,
    network,
    volume,
  ];

  const rewriteUrl = serviceUrlRewrite(services);
  const app = Fastify({
    rewriteUrl: (req) => rewriteUrl(req.url ?? '/'),
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: () => newRequestId(),
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: maxPathSegment },
    frameworkErrors: answerFrameworkError(services),
    bodyLimit: jsonLimits.maxBodyBytes,
  });
  app.removeContentTypeParser('application/json');
  addJsonParser(app, 'application/json', { poisoning: 'error', emptyIsNoBody: true });
  app.addHook('onRequest', async (req, reply) => {
    reply.header(requestIdHeader, req.id);
    const global = globalRequestId(req.headers[requestIdHeader]);
    if (global !== undefined) req.log = reply.log = req.log.child({ global_request_id: global });
  });
  instrumentHttp(app, metrics, services);
  for (const s of services) await app.register(s.plugin, { prefix: s.prefix });
  addObservabilityRoutes(app, metrics, store);
  addDashboardRoutes(app);
  // Websocket upgrades bypass Fastify's routing: the serial console answers them itself.
  const serialConsoles = serveSerialConsoles(app.server, compute.deps, computeApi.prefix, logger);
  metrics.addScrapedGauge(workloadsGauge(store));
  metrics.addScrapedGauge(dbPoolGauge(store));

  compute.start();
  volume.start();
  await startLocalHost(compute.agents, config, logger);
  const timers = startHousekeeping(identity, logger);
  return {
    app,
    store,
    identity,
    compute,
    images: image.api,
    network: network.bootstrap,
    volumes: volume.api,
    services,
    log: logger,
    metrics,
    async registerCatalog(publicUrl) {
      for (const s of services) {
        for (const { type, name } of [{ type: s.serviceType, name: s.catalogName }, ...(s.aliases ?? [])]) {
          await ensureCatalogEntry(identity, {
            type,
            name,
            url: `${publicUrl}${s.prefix}${s.catalogSuffix}`,
            regionId: config.regionId,
          });
        }
      }
    },
    async close() {
      for (const t of timers) clearInterval(t);
      await volume.stop();
      serialConsoles.close();
      await compute.stop();
      await app.close();
      await store.close();
    },
  };
}

/** Key rotation and revocation pruning, hourly; each is idempotent across processes. */
function startHousekeeping(identity: IdentityDeps, log: Logger): NodeJS.Timeout[] {
  const run = () => {
    void identity.keys.ensure().catch((err: unknown) => log.error({ err }, 'token key rotation failed'));
    void pruneRevocations(identity.store.db, identity.clock()).catch((err: unknown) =>
      log.error({ err }, 'revocation pruning failed'),
    );
  };
  const t = setInterval(run, 3_600_000);
  t.unref();
  return [t];
}
