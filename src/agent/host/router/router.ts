import { bridgeNameOf, plugIntoBridge } from '../bridge.js';
import { HostCommandError, runCommand } from '../command.js';
import { deleteNetns, ensureNetns, ipBatch, ipIn } from '../netns.js';
import { applyNft } from '../nft.js';
import { addVethPair, deleteVeth, linkInfo } from '../veth.js';
import { compileRouterNat } from './router-nft.js';
import { checkRouterSpec } from './router-spec-check.js';
import { observeRouter, parseAddresses } from './router-observe.js';
import { planRouterLines, plannedInterfaces, removedFloatingIps, staleInterfaces } from './router-plan.js';
import type { PlannedInterface } from './router-plan.js';
import { hostEndNameOf, routerNetnsOf } from './router-spec.js';
import type { RouterSpec } from './router-spec.js';

const timeoutMs = 30_000;

function execIn(netns: string, cmd: string, args: ReadonlyArray<string>) {
  return runCommand('ip', ['netns', 'exec', netns, cmd, ...args], { timeoutMs });
}

/** Deletes router interfaces from inside the namespace; each takes its veth's host end along. */
async function deleteInterfaces(netns: string, names: ReadonlyArray<string>): Promise<void> {
  for (const name of names) await deleteVeth(netns, name);
}

/**
 * Creates the port's veth unless its inside end is there (a host end left without its
 * peer is removed first), then plugs the host end into the network's bridge: again each
 * time, so a bridge deleted and made anew gets its router port back.
 */
async function ensureInterface(spec: RouterSpec, netns: string, i: PlannedInterface): Promise<void> {
  const hostEnd = hostEndNameOf(i.port.portId);
  if ((await linkInfo(netns, i.name)) === undefined) {
    await deleteVeth(spec.hostNetns, hostEnd);
    await addVethPair({
      hostNetns: spec.hostNetns,
      hostName: hostEnd,
      peerNetns: netns,
      peerName: i.name,
      peerMac: i.port.mac,
      mtu: i.port.mtu,
    });
  }
  await plugIntoBridge(spec.hostNetns, hostEnd, bridgeNameOf(i.port.networkId), i.port.mtu);
}

/** Forwarding on in the router's namespace only; the host's own setting is left alone. */
async function enableForwarding(netns: string): Promise<void> {
  await execIn(netns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
}

/** Drops the connections of floating IPs that went away, both ways they were translated. */
async function forgetConnections(netns: string, ips: ReadonlyArray<string>): Promise<void> {
  for (const ip of ips)
    for (const dir of ['--orig-dst', '--reply-dst'])
      await execIn(netns, 'conntrack', ['-D', dir, ip]).catch((err: unknown) => {
        // conntrack exits 1 when nothing matched.
        if (!(err instanceof HostCommandError && /0 flow entries/i.test(err.stderr))) throw err;
      });
}

/**
 * Makes the host match the spec: the namespace, a veth per interface into its network's
 * bridge, addresses, routes, forwarding and NAT. Level-triggered and idempotent: whatever
 * drifted (a deleted veth, a flushed table, a stray address or route) is put back, and what
 * the spec dropped is removed. The networks' bridges must be there (the dataplane's
 * ensureNetwork makes them, with their tunnels); calls for one router must not overlap.
 */
export async function ensureRouter(spec: RouterSpec): Promise<void> {
  checkRouterSpec(spec);
  const netns = routerNetnsOf(spec.id, spec.namePrefix);
  await ensureNetns(netns);
  const { stdout } = await ipIn(netns, ['-j', 'address', 'show']);
  await deleteInterfaces(netns, staleInterfaces(spec, parseAddresses(stdout)));
  for (const i of plannedInterfaces(spec)) await ensureInterface(spec, netns, i);
  const observed = await observeRouter(netns);
  await ipBatch(netns, planRouterLines(spec, observed));
  await enableForwarding(netns);
  await applyNft(netns, compileRouterNat(spec));
  await forgetConnections(netns, removedFloatingIps(spec, observed));
}

/**
 * Removes the router from the host: its interfaces first (so no host end outlives the
 * namespace while some process still holds it), then the namespace, and its NAT with it.
 * Resolves when there is no such router.
 */
export async function removeRouter(routerId: string, namePrefix = ''): Promise<void> {
  if (!/^[0-9A-Za-z-]+$/.test(routerId)) throw new Error(`malformed router id ${JSON.stringify(routerId)}`);
  const netns = routerNetnsOf(routerId, namePrefix);
  try {
    const { stdout } = await ipIn(netns, ['-j', 'address', 'show']);
    const none: RouterSpec = {
      id: routerId,
      gateway: undefined,
      interfaces: [],
      routes: [],
      floatingIps: [],
    };
    await deleteInterfaces(netns, staleInterfaces(none, parseAddresses(stdout)));
  } catch (err) {
    if (!(err instanceof HostCommandError && /Cannot open network namespace|No such file/i.test(err.stderr)))
      throw err;
  }
  await deleteNetns(netns);
}
