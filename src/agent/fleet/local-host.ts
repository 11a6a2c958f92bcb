import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { StrataConfig } from '../../common/config.js';
import type { VifPlugging } from '../dataplane/port-plugging.js';
import { createDataplane } from '../dataplane/dataplane-registry.js';
import { cloudHostNames } from '../dataplane/linux/cloud-host-names.js';
import { chooseDataplane, probeDataplaneHost } from '../dataplane/dataplane-choice.js';
import { parsePhysicalNetworks, sourceAddressTo } from '../dataplane/linux/linux-dataplane-setup.js';
import type { NetworkDataplane } from '../dataplane/network-dataplane.js';
import { hostReservedFrom } from '../agent.js';
import type { FakeHostShape } from '../drivers/fake/fake-driver.js';
import { availableDrivers, drivers, hostDriver } from '../drivers/registry.js';
import type { LocalAgents } from './local-agents.js';

/**
 * The all-in-one's own host: real drivers when asked for or available, else fake hosts
 * (`fakeHosts` of them), and none with `computeDriver: none`.
 */
export async function startLocalHost(agents: LocalAgents, c: StrataConfig, log: Logger): Promise<void> {
  if (c.computeDriver === 'none') return;
  let names =
    c.computeDriver === 'auto' ? availableDrivers() : c.computeDriver.split(',').map((n) => n.trim());
  if (names.length === 0) {
    log.warn(
      { missing: Object.fromEntries(Object.entries(drivers).map(([n, d]) => [n, d.missing()])) },
      'no real compute driver can run here (install qemu-system-x86 and qemu-utils, or runc as root): using the fake driver',
    );
    names = ['fake'];
  }
  if (names.length === 1 && names[0] === 'fake') {
    if (c.fakeHosts > 0)
      await agents.addFakeHosts(c.fakeHosts, fakeHostShapeOf(c), { vifPlugging: vifOf(c) });
    return;
  }
  await agents.add(hostname(), hostDriver(names, c.dataDir), {
    reserved: hostReservedFrom(c.hostReserved),
    imageCache: { intervalMs: c.imageCacheIntervalSec * 1000, maxUnusedMs: c.imageCacheMaxUnusedSec * 1000 },
    vifPlugging: vifOf(c),
    dataplane: await dataplaneOf(c, log),
  });
}

/** The configured dataplane; the linux one's tunnel address defaults to the one the API listens on. */
async function dataplaneOf(c: StrataConfig, log: Logger): Promise<NetworkDataplane> {
  const choice = chooseDataplane(c.dataplane, true, probeDataplaneHost);
  log.info({ dataplane: choice.name, why: choice.why }, `network dataplane: ${choice.name} (${choice.why})`);
  if (choice.name === 'fake') return createDataplane('fake');
  const towards = c.host === '0.0.0.0' || c.host === '::' ? '192.0.2.1' : c.host;
  const names = cloudHostNames(c.dataDir);
  if (names.namePrefix !== '')
    log.info(
      names,
      `this cloud's namespaces start with ${names.namePrefix}, its nft tables are ${names.nftTable}`,
    );
  return createDataplane('linux', {
    tunnelIp: c.tunnelIp ?? (await sourceAddressTo(towards)),
    physicalNetworks: parsePhysicalNetworks(c.physicalNetworks),
    dataDir: c.dataDir,
    ...names,
  });
}

/** Nova's vif_plugging_timeout and vif_plugging_is_fatal from the configuration. */
function vifOf(c: StrataConfig): VifPlugging {
  return { timeoutMs: c.vifPluggingTimeoutSec * 1000, fatal: c.vifPluggingIsFatal };
}

/** The fake hosts' size and latency from the configuration (`fakeHostShape`, `fakeCreateDelayMs`). */
function fakeHostShapeOf(c: StrataConfig): FakeHostShape {
  const s = c.fakeHostShape;
  return {
    vcpus: s['vcpus'] ?? 64,
    memoryMb: s['memory_mb'] ?? 262_144,
    diskGb: s['disk_gb'] ?? 4_096,
    createDelayMs: c.fakeCreateDelayMs,
  };
}
