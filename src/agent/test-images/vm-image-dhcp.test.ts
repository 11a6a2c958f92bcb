import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeNameOf, deleteBridge, deleteLink, ensureBridge, plugIntoBridge } from '../host/bridge.js';
import { hasCommand } from '../host/command.js';
import { ensureDhcp, removeDhcp } from '../host/dhcp/dhcp.js';
import type { DhcpContext, DhcpSpec } from '../host/dhcp/dhcp-spec.js';
import { ipIn } from '../host/netns.js';
import { findHostKernel } from './kernel-modules.js';
import { buildVmTestImage } from './vm-image.js';

// The VM test image on a bridge with the network's dnsmasq: the guest asks for its lease at
// boot and prints the address it got on the serial console.
const kernel = await findHostKernel();
const tools = ['qemu-img', 'qemu-system-x86_64', 'mkfs.vfat', 'mcopy', 'syslinux', 'dnsmasq', 'ip', 'nft'];
const canRun =
  process.getuid?.() === 0 &&
  kernel !== undefined &&
  existsSync('/bin/busybox') &&
  existsSync('/dev/net/tun') &&
  tools.every((t) => hasCommand(t));

const tag = randomBytes(3).toString('hex');
const networkId = `e4c0ffee-${tag}-4000-8000-000000000001`;
const subnetId = `5ab0e7bb-${tag}-4000-8000-000000000001`;
const bridge = bridgeNameOf(networkId);
const tap = `sdv${tag}`;
const vmMac = 'fa:16:3e:00:56:0a';

const spec: DhcpSpec = {
  networkId,
  mtu: 1450,
  dnsDomain: null,
  port: {
    portId: `dc0de111-${tag}-4000-8000-000000000001`,
    mac: 'fa:16:3e:00:56:02',
    fixedIps: [{ subnetId, ipAddress: '10.56.0.2' }],
  },
  subnets: [{ subnetId, cidr: '10.56.0.0/24', gatewayIp: '10.56.0.1', dnsNameservers: [], hostRoutes: [] }],
  hosts: [{ mac: vmMac, ipAddress: '10.56.0.10', subnetId, hostname: 'vm' }],
};

describe.skipIf(!canRun)('vm test image with DHCP', () => {
  let dir = '';
  let ctx: DhcpContext;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-vm-dhcp-'));
    ctx = { dataDir: dir };
    await ensureBridge(undefined, bridge, 1450);
    await ipIn(undefined, ['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
    await plugIntoBridge(undefined, tap, bridge, 1450);
    await ensureDhcp(spec, ctx);
  }, 60_000);
  afterAll(async () => {
    await removeDhcp(networkId, ctx);
    await deleteLink(undefined, tap);
    await deleteBridge(undefined, bridge);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('takes its address by DHCP at boot and prints it on the console', async () => {
    const image = await buildVmTestImage({ cacheDir: join(dir, 'images') });
    const log = join(dir, 'serial.log');
    const qemu = spawn(
      'qemu-system-x86_64',
      [
        ...['-accel', 'tcg', '-cpu', 'max', '-machine', 'pc', '-m', '256', '-nodefaults', '-display', 'none'],
        ...['-snapshot', '-drive', `file=${image.path},format=qcow2,if=virtio`],
        ...['-netdev', `tap,id=n0,ifname=${tap},script=no,downscript=no`],
        ...['-device', `virtio-net-pci,netdev=n0,mac=${vmMac}`],
        ...['-chardev', `file,id=s,path=${log}`, '-serial', 'chardev:s'],
      ],
      { stdio: 'ignore' },
    );
    try {
      const started = Date.now();
      const read = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
      while (!/STRATA-TEST-VM: dhcp(-none)? eth0/.test(read())) {
        if (Date.now() - started > 90_000) throw new Error(`no dhcp line in the console log:\n${read()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(read()).toContain('STRATA-TEST-VM: dhcp eth0 ip=10.56.0.10/24 router=10.56.0.1');
    } finally {
      qemu.kill('SIGKILL');
    }
  }, 120_000);
});
