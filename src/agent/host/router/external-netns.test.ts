import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeNameOf, bridgePorts } from '../bridge.js';
import { hasCommand, runCommand } from '../command.js';
import { deleteNetns, ensureNetns, ipIn, netnsExists } from '../netns.js';
import {
  ensureExternalNamespace,
  externalHostEndOf,
  externalIfName,
  externalMacOf,
  removeExternalNamespace,
} from './external-netns.js';
import type { ExternalNetworkSpec } from './external-netns.js';

const skipReason =
  process.getuid?.() !== 0 ? 'needs root' : !hasCommand('busybox') ? 'missing busybox' : undefined;

const tag = randomBytes(3).toString('hex');
const host = `sde-h-${tag}`;
const far = `sde-x-${tag}`;
const networkId = `${tag}e2-0000-4000-8000-000000000000`;
const bridge = bridgeNameOf(networkId);
const spec: ExternalNetworkSpec = {
  networkId,
  mtu: 1500,
  gateway: { ip: '172.24.4.1', prefixLength: 24 },
  hostNetns: host,
  netns: far,
};

async function addresses(): Promise<string[]> {
  const { stdout } = await ipIn(far, ['-j', 'address', 'show', 'dev', externalIfName]);
  const [l] = JSON.parse(stdout) as Array<{
    addr_info: Array<{ local: string; prefixlen: number; scope: string }>;
  }>;
  return (l?.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`);
}

describe.skipIf(skipReason !== undefined)('the external network’s far side (real kernel)', () => {
  beforeAll(async () => {
    await ensureNetns(host);
    // The host's "physical" interface (a veth: this kernel may lack the dummy module) of the external network, for the uplink case.
    await ipIn(host, ['link', 'add', 'uplink0', 'type', 'veth', 'peer', 'name', 'uplink0p']);
  });

  afterAll(async () => {
    for (const ns of [far, host]) await deleteNetns(ns).catch(() => undefined);
  });

  it('holds the gateway address in its own namespace, on a veth into the bridge', async () => {
    await ensureExternalNamespace(spec);
    await ensureExternalNamespace(spec);
    expect(await addresses()).toEqual(['172.24.4.1/24']);
    expect(await bridgePorts(host, bridge)).toEqual([externalHostEndOf(networkId)]);
    const { stdout } = await ipIn(far, ['-j', 'link', 'show', 'dev', externalIfName]);
    expect((JSON.parse(stdout) as Array<{ address: string }>)[0]?.address).toBe(externalMacOf(networkId));
    // Answers on its address from the bridge's side.
    await runCommand('ip', ['netns', 'exec', far, 'busybox', 'ping', '-c', '1', '-W', '1', '172.24.4.1'], {
      timeoutMs: 3000,
    });
  });

  it('repairs a stray address and a deleted veth', async () => {
    await ipIn(far, ['address', 'add', '172.24.4.99/24', 'dev', externalIfName]);
    await ensureExternalNamespace(spec);
    expect(await addresses()).toEqual(['172.24.4.1/24']);
    await ipIn(host, ['link', 'delete', 'dev', externalHostEndOf(networkId)]);
    await ensureExternalNamespace(spec);
    expect(await addresses()).toEqual(['172.24.4.1/24']);
    expect(await bridgePorts(host, bridge)).toEqual([externalHostEndOf(networkId)]);
  });

  it('gives the bridge the uplink instead when a physical interface is configured', async () => {
    const uplinked = { ...spec, physicalInterface: 'uplink0' };
    await ensureExternalNamespace(uplinked);
    expect(await netnsExists(far)).toBe(false);
    expect(await bridgePorts(host, bridge)).toEqual(['uplink0']);
    await removeExternalNamespace(uplinked);
    expect(await bridgePorts(host, bridge)).toEqual([]);
  });

  it('removes the far side and leaves no veth but the uplink', async () => {
    await ensureExternalNamespace(spec);
    await removeExternalNamespace(spec);
    await removeExternalNamespace(spec);
    expect(await netnsExists(far)).toBe(false);
    const { stdout } = await ipIn(host, ['-j', 'link', 'show', 'type', 'veth']);
    const names = (JSON.parse(stdout) as Array<{ ifname: string }>).map((l) => l.ifname);
    expect(names.sort()).toEqual(['uplink0', 'uplink0p']);
  });
});
