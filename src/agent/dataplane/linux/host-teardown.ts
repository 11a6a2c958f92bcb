import type { HostNetworkState } from '../host-network-state.js';
import type { CloudHostNames } from './cloud-host-names.js';
import { LinuxDataplane } from './linux-dataplane.js';

/** A host with nothing on it: no network, port, router or external network. */
const nothing: HostNetworkState = { networks: [], ports: [], remoteGroups: {} };

/**
 * Removes everything the Linux dataplane of one cloud made on this machine: its DHCP
 * namespaces and dnsmasq (with their metadata rules and routes), its routers' namespaces and
 * advertisement daemons, its external namespace, its bridges and their VXLAN devices (by
 * ifalias, so another cloud's stay), and its nft tables. It is the dataplane's own pass over
 * an empty host, so it removes exactly what a pass would call stale. Workloads go first
 * (workload-reaper.ts): their taps and veths would otherwise be plugged into the bridges.
 */
export async function tearDownLinuxHost(o: {
  readonly dataDir: string;
  readonly names: CloudHostNames;
  /** The namespace holding the bridges; the machine's own when undefined. */
  readonly netns?: string;
}): Promise<void> {
  const dataplane = new LinuxDataplane({
    dataDir: o.dataDir,
    ...o.names,
    ...(o.netns !== undefined && { netns: o.netns }),
  });
  try {
    await dataplane.sync(nothing);
  } finally {
    await dataplane.close();
  }
}
