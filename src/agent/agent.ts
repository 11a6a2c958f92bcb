import type { Logger } from 'pino';
import type { ControllerObserver, RunningController } from '../common/reconcile/controller.js';
import { startController } from '../common/reconcile/controller.js';
import { deviceController } from './controllers/device-controller.js';
import {
  combinedImageCache,
  defaultImageCacheIntervalMs,
  defaultImageCacheMaxUnusedMs,
  imageCacheManager,
} from './controllers/image-cache-manager.js';
import { instanceController } from './controllers/instance-controller.js';
import { networkController, syncsHostState } from './controllers/network-controller.js';
import { orphanReaper } from './controllers/orphan-reaper.js';
import type { ComputeDriver } from './drivers/driver.js';
import { supportsConsoleLog, supportsImageCache } from './drivers/driver.js';
import { serialConsoleServer } from './serial-console-server.js';
import type { ControlPlane } from './transport/control-plane.js';
import { untilReachable } from './transport/until-reachable.js';
import { createDataplane } from './dataplane/dataplane-registry.js';
import type { NetworkDataplane } from './dataplane/network-dataplane.js';
import type { PortPlugDeps, VifPlugging } from './dataplane/port-plugging.js';
import { defaultVifPlugging } from './dataplane/port-plugging.js';

/** Kept back for the host itself, off its inventory (Nova's reserved_host_*). */
export interface HostReserved {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
}

/** `cpus=…,memory_mb=…,disk_gb=…` as configured, in the agent's terms. */
export function hostReservedFrom(r: Readonly<Record<string, number>>): HostReserved {
  return { vcpus: r['cpus'] ?? 0, memoryMb: r['memory_mb'] ?? 0, diskGb: r['disk_gb'] ?? 0 };
}

export interface AgentOptions {
  readonly hostname: string;
  readonly availabilityZone: string;
  readonly driver: ComputeDriver;
  readonly controlPlane: ControlPlane;
  readonly log: Logger;
  readonly reserved?: HostReserved;
  readonly heartbeatMs?: number;
  /**
   * Full re-read of every assigned server (power sync), and the orphan-reaping pass;
   * events make it rarely needed.
   */
  readonly resyncMs?: number;
  readonly workers?: number;
  /** The host's network dataplane (default: fake, which wires nothing). */
  readonly dataplane?: NetworkDataplane;
  /** Nova's vif_plugging_timeout and vif_plugging_is_fatal (default 300 s, fatal). */
  readonly vifPlugging?: VifPlugging;
  /** How often the network controller re-reads and re-applies the host's network (drift repair); default 5 s. */
  readonly networkResyncMs?: number;
  readonly metrics?: AgentMetrics | undefined;
  /** The image cache manager's pass interval and unused-entry age (defaults 10 min and 24 h). */
  readonly imageCache?: ImageCacheOptions;
}

export interface ImageCacheOptions {
  readonly intervalMs?: number;
  readonly maxUnusedMs?: number;
}

/** Where an agent in the control plane's process reports (a remote agent has none yet). */
export interface AgentMetrics {
  readonly controllers: ControllerObserver;
  stepDone(driver: string, step: string, seconds: number, outcome: string): void;
}

export interface RunningAgent {
  readonly hostname: string;
  stop(): Promise<void>;
}

/**
 * `strata agent`: registers the host, heartbeats, watches the servers assigned to it and
 * makes the host match. The same code runs in the all-in-one process, as its own process
 * on another host, and a thousand times over in the fake fleet.
 */
export async function startAgent(o: AgentOptions): Promise<RunningAgent> {
  const abort = new AbortController();
  const facts = await o.driver.probe(abort.signal);
  const { hosts, servers, devices, networks } = o.controlPlane;
  const dataplane = o.dataplane ?? createDataplane('fake');
  const registration = {
    hostname: o.hostname,
    driver: o.driver.name,
    availabilityZone: o.availabilityZone,
    facts,
    reserved: o.reserved ?? { vcpus: 0, memoryMb: 0, diskGb: 0 },
    ...(dataplane.tunnelIp !== undefined && { tunnelIp: dataplane.tunnelIp }),
    dataplane: dataplane.name,
  };
  await untilReachable('registering the host', () => hosts.registerHost(registration), {
    log: o.log,
    signal: abort.signal,
  });
  const resyncMs = o.resyncMs ?? 30_000;
  const ports: PortPlugDeps = {
    hostname: o.hostname,
    dataplane,
    devices,
    vifPlugging: o.vifPlugging ?? defaultVifPlugging,
  };
  const controller: RunningController<string> = startController(
    instanceController({
      hostname: o.hostname,
      driver: o.driver,
      servers,
      stopTimeoutMs: 30_000,
      ports,
      stepDone: o.metrics && ((...a) => o.metrics?.stepDone(...a)),
    }),
    { workers: o.workers ?? 2, resyncMs, log: o.log, observer: o.metrics?.controllers },
  );
  // Orphans go through the instance controller's queue, which destroys what is still unassigned.
  const reaper = startController(
    orphanReaper({
      hostname: o.hostname,
      driver: o.driver,
      servers,
      log: o.log,
      reap: (id) => controller.queue.add(id),
    }),
    { workers: 1, resyncMs, log: o.log, observer: o.metrics?.controllers },
  );
  const imageCache = startImageCache(o);
  const deviceSteps = startController(
    deviceController({ hostname: o.hostname, driver: o.driver, devices, ports }),
    { workers: 1, resyncMs, log: o.log, observer: o.metrics?.controllers },
  );
  const network =
    networks !== undefined && syncsHostState(dataplane)
      ? startController(networkController({ hostname: o.hostname, networks, dataplane }), {
          workers: 1,
          resyncMs: o.networkResyncMs ?? 5_000,
          log: o.log,
          observer: o.metrics?.controllers,
        })
      : undefined;
  const unwatchNetwork = network && networks?.watch(o.hostname, () => network.queue.add(o.hostname));
  if (networks !== undefined)
    dataplane.serveMetadata?.((net, ip) => networks.instanceAt(o.hostname, net, ip));
  const driver = o.driver;
  if (supportsConsoleLog(driver)) {
    servers.serveConsoleLogs(o.hostname, (serverId, lines) =>
      driver.consoleLog({ workloadId: serverId, driver: driver.name, stateVersion: 1, state: {} }, lines),
    );
  }
  servers.serveSerialConsoles?.(o.hostname, serialConsoleServer(driver));
  const unwatch = servers.watch(o.hostname, (id) => controller.queue.add(id));
  const unwatchDevices = devices.watch(o.hostname, (id) => deviceSteps.queue.add(id));
  const beat = setInterval(() => {
    hosts
      .heartbeat(o.hostname)
      .catch((err: unknown) => o.log.warn({ err, host: o.hostname }, 'heartbeat failed'));
  }, o.heartbeatMs ?? 10_000);
  beat.unref();
  return {
    hostname: o.hostname,
    async stop() {
      clearInterval(beat);
      unwatch();
      unwatchDevices();
      unwatchNetwork?.();
      abort.abort();
      await network?.stop();
      await dataplane.close?.();
      await reaper.stop();
      await imageCache?.stop();
      await deviceSteps.stop();
      await controller.stop();
    },
  };
}

/** Nova's image cache manager, over the driver's cache and the transport's downloads, when the control plane answers for images. */
function startImageCache(o: AgentOptions): RunningController<string> | undefined {
  const { driver, controlPlane } = o;
  const caches = [
    ...(supportsImageCache(driver) ? [driver] : []),
    ...(controlPlane.downloads ? [controlPlane.downloads] : []),
  ];
  const images = controlPlane.images;
  const resyncMs = o.imageCache?.intervalMs ?? defaultImageCacheIntervalMs;
  // resyncMs 0: the operator turned it off.
  if (caches.length === 0 || images === undefined || resyncMs <= 0) return undefined;
  const manager = imageCacheManager({
    hostname: o.hostname,
    cache: combinedImageCache(caches),
    images,
    log: o.log,
    maxUnusedMs: o.imageCache?.maxUnusedMs ?? defaultImageCacheMaxUnusedMs,
  });
  return startController(manager, { workers: 1, resyncMs, log: o.log, observer: o.metrics?.controllers });
}
