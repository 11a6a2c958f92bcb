import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureExternalNamespace, externalNetns } from '../../host/router/external-netns.js';
import type { ExternalNetworkSpec } from '../../host/router/external-netns.js';
import { deleteNetns, netnsDir } from '../../host/netns.js';
import { ensureRouter, removeRouter } from '../../host/router/router.js';
import {
  advertisingNamespaces,
  ensureRouterAdvertisements,
  stopAdvertisements,
} from '../../host/router/router-advertisements.js';
import { routerNetnsOf, routerNetnsPrefix } from '../../host/router/router-spec.js';
import type { RouterState } from '../../host/router/router-spec.js';
import type { HostExternalNetwork, HostNetworkState } from '../host-network-state.js';
import { advertisedPrefixes } from './router-ra-plan.js';

export interface RouterSyncOptions {
  /** The namespace that is "the host" (its bridges); the agent's own when undefined. */
  readonly netns: string | undefined;
  /** The external network's far side; `strata-external` unless told (tests run beside a live one). */
  readonly externalNetns: string | undefined;
  /** `--physical-network name:interface`. */
  readonly physicalNetworks: ReadonlyMap<string, string>;
  /** Before every machine-wide name (`qrouter-…`, `strata-external`); '' by default. */
  readonly namePrefix?: string | undefined;
  /** The agent's data directory: the routers' advertisement daemons keep state under `<dataDir>/ra`. */
  readonly dataDir?: string | undefined;
}

/** Where the advertisement daemons' state lives when the agent has no data directory. */
const defaultRunDir = '/run/strata';

/**
 * Neutron's L3 agent for one host: each router the control plane placed here set up with
 * ensureRouter on every pass (which repairs drift), routers no longer here removed, and the
 * default external network's far side made or taken away; each router's IPv6 router
 * advertisements (Neutron's radvd) come from a dnsmasq in its namespace. Runs inside the dataplane's
 * serial queue, after the networks' bridges exist.
 *
 * Which `qrouter-` namespaces (and external far side) are this host's: on a real host (no
 * `netns`) every one is, so a router deleted while the agent was down is still removed;
 * with several hosts on one machine (or a test beside a live cloud), only those this
 * dataplane set up, unless the host has a name prefix of its own: then every namespace
 * under that prefix is its own.
 */
export class RouterSync {
  readonly #o: RouterSyncOptions;
  readonly #known = new Set<string>();
  #madeExternal = false;

  constructor(o: RouterSyncOptions) {
    this.#o = o;
  }

  get #externalNetns(): string {
    return this.#o.externalNetns ?? `${this.#prefix}${externalNetns}`;
  }

  get #raDir(): string {
    return join(this.#o.dataDir ?? defaultRunDir, 'ra');
  }

  get #prefix(): string {
    return this.#o.namePrefix ?? '';
  }

  /** Whether every namespace under the prefix is this dataplane's (see the class comment). */
  get #ownsNames(): boolean {
    return this.#o.netns === undefined || this.#prefix !== '';
  }

  async sync(state: HostNetworkState): Promise<void> {
    const present = await namespaces();
    await this.#syncExternal(state.externalNetwork, present);
    const wanted = new Set((state.routers ?? []).map((r) => r.id));
    const failures: unknown[] = [];
    for (const r of state.routers ?? []) {
      this.#known.add(r.id);
      await this.#ensure(r, state).catch((err: unknown) => failures.push(err));
    }
    // A daemon whose namespace went away is still this host's leftover to stop.
    const held = [...present, ...(await advertisingNamespaces(this.#raDir))];
    for (const id of staleRouters(this.#known, held, wanted, this.#ownsNames, this.#prefix)) {
      await stopAdvertisements(this.#raDir, routerNetnsOf(id, this.#prefix))
        .then(() => removeRouter(id, this.#prefix))
        .then(
          () => this.#known.delete(id),
          (err: unknown) => failures.push(err),
        );
    }
    // One router that cannot be set up does not keep the others from theirs; the pass retries.
    if (failures.length > 0) throw failures[0];
  }

  async #ensure(r: RouterState, state: HostNetworkState): Promise<void> {
    await ensureRouter({ ...r, hostNetns: this.#o.netns, namePrefix: this.#prefix });
    await ensureRouterAdvertisements({
      routerId: r.id,
      namePrefix: this.#prefix,
      runDir: this.#raDir,
      prefixes: advertisedPrefixes(r, state.networks),
    });
  }

  async #syncExternal(ext: HostExternalNetwork | undefined, present: ReadonlyArray<string>) {
    if (ext !== undefined) {
      this.#madeExternal = true;
      return ensureExternalNamespace(this.#externalSpec(ext));
    }
    // Gone when no router needs it (its veth goes with it; an uplink leaves with the external
    // bridge, no longer wanted either). Same ownership rule as the routers' namespaces.
    const mine = this.#madeExternal || this.#ownsNames;
    if (mine && present.includes(this.#externalNetns)) await deleteNetns(this.#externalNetns);
    this.#madeExternal = false;
  }

  #externalSpec(ext: HostExternalNetwork): ExternalNetworkSpec {
    return {
      networkId: ext.id,
      mtu: ext.mtu,
      gateway: { ip: ext.gatewayIp, prefixLength: ext.prefixLength },
      physicalInterface:
        ext.physicalNetwork === null ? undefined : this.#o.physicalNetworks.get(ext.physicalNetwork),
      hostNetns: this.#o.netns,
      netns: this.#externalNetns,
    };
  }
}

/**
 * Routers to remove: those this dataplane set up (and, when it owns the whole machine, every
 * `qrouter-` namespace there) that the host no longer runs. Pure.
 */
export function staleRouters(
  known: ReadonlySet<string>,
  namespaces: ReadonlyArray<string>,
  wanted: ReadonlySet<string>,
  ownsMachine: boolean,
  namePrefix = '',
): string[] {
  const prefix = `${namePrefix}${routerNetnsPrefix}`;
  const onHost = ownsMachine
    ? namespaces.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length))
    : [];
  return [...new Set([...known, ...onHost])].filter((id) => !wanted.has(id)).sort();
}

/** The named network namespaces of the machine. */
async function namespaces(): Promise<string[]> {
  return readdir(netnsDir).catch(() => []);
}
