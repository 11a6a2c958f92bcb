import { ipIn } from '../../host/netns.js';
import type { ObservedLink } from './host-network-plan.js';

/** Every link of the namespace (the agent's own when undefined), from `ip -j -d link show`. */
export async function observeLinks(netns: string | undefined): Promise<ObservedLink[]> {
  const { stdout } = await ipIn(netns, ['-j', '-d', 'link', 'show']);
  const links = JSON.parse(stdout || '[]') as Array<{
    ifname: string;
    mtu: number;
    master?: string;
    linkinfo?: { info_kind?: string };
    ifalias?: string;
  }>;
  return links.map((l) => ({
    name: l.ifname,
    kind: l.linkinfo?.info_kind,
    master: l.master,
    mtu: l.mtu,
    alias: l.ifalias,
  }));
}
