import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudHostNames } from '../../src/agent/dataplane/linux/cloud-host-names.js';
import { startCliCloud } from '../support/cli-cloud.js';
import { kernelDataplaneSkipReason } from '../support/kernel-dataplane.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable } from '../support/strata-process.js';

const skip =
  kernelDataplaneSkipReason(['dnsmasq']) ??
  (openstackCliAvailable() && builtCliAvailable() ? undefined : 'needs the openstack CLI and dist/');

const namespaces = () =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n !== '');

// `strata up` as root with a real driver picks the Linux dataplane by itself (`auto`): the
// private network, router1 and a container get real namespaces, DHCP and routing. Its data
// dir is not the default, so its namespaces carry the cloud's prefix (cloud-host-names.ts).
describe.skipIf(skip)(`strata up's default dataplane as root (${skip ?? 'linux'})`, () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  let routerId = '';
  let networkId = '';
  let prefix = '';
  const ports = async () => cli.json<Array<Record<string, unknown>>>('admin', ['port', 'list', '--long']);

  beforeAll(async () => {
    ({ strata, cli } = await startCliCloud({
      env: { STRATA_DATAPLANE: 'auto', STRATA_COMPUTE_DRIVER: 'runc' },
    }));
    prefix = cloudHostNames(strata.dataDir).namePrefix;
    expect(prefix).not.toBe('');
    routerId = String((await cli.json('admin', ['router', 'show', 'router1']))['id']);
    networkId = String((await cli.json('admin', ['network', 'show', 'private']))['id']);
  }, 300_000);
  afterAll(async () => {
    // On failure, what the cloud did not take down itself (names of this cloud only).
    for (const ns of namespaces())
      if (
        ns.startsWith(`${prefix}qrouter-${routerId}`) ||
        ns.startsWith(`${prefix}qdhcp-${networkId.slice(0, 8)}`)
      )
        execFileSync('ip', ['netns', 'del', ns]);
    if (strata) {
      await strata.stop();
      await strata.cleanup();
    }
  }, 120_000);

  it("boots a container on private; its port, the DHCP port and the router's go ACTIVE; it answers ping", async () => {
    const server = await cli.json<Record<string, unknown>>('admin', [
      ...['server', 'create', '--image', 'strata-test-container', '--flavor', 'm1.tiny'],
      ...['--network', 'private', '--wait', 'ct-linux'],
    ]);
    expect(server['status']).toBe('ACTIVE');
    const address = /10\.0\.0\.\d+/.exec(JSON.stringify(server['addresses']))![0];
    for (let i = 0; i < 100; i++) {
      const owners = (await ports()).filter((p) => p['Status'] === 'ACTIVE').map((p) => p['Device Owner']);
      if (['compute:nova', 'network:dhcp', 'network:router_interface'].every((o) => owners.includes(o)))
        break;
      if (i === 99) throw new Error(`ports never ACTIVE: ${JSON.stringify(await ports())}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const dhcp = namespaces().find((n) => n.startsWith(`${prefix}qdhcp-${networkId.slice(0, 8)}`));
    expect(dhcp).toBeDefined();
    execFileSync('ip', ['netns', 'exec', dhcp!, '/bin/busybox', 'ping', '-c', '1', '-W', '5', address]);
    expect(namespaces()).toContain(`${prefix}qrouter-${routerId}`);
    expect(namespaces()).toContain(`${prefix}strata-external`);
  }, 300_000);

  it('takes the namespaces down when the server, router and network go', async () => {
    await cli.ok('admin', ['server', 'delete', '--wait', 'ct-linux']);
    await cli.ok('admin', ['router', 'remove', 'subnet', 'router1', 'private-subnet']);
    await cli.ok('admin', ['router', 'unset', '--external-gateway', 'router1']);
    await cli.ok('admin', ['router', 'delete', 'router1']);
    await cli.ok('admin', ['network', 'delete', 'private']);
    const ours = () =>
      namespaces().filter(
        (n) =>
          n.startsWith(`${prefix}qrouter-${routerId}`) ||
          n.startsWith(`${prefix}qdhcp-${networkId.slice(0, 8)}`) ||
          n === `${prefix}strata-external`,
      );
    for (let i = 0; i < 100 && ours().length > 0; i++) await new Promise((r) => setTimeout(r, 300));
    expect(ours()).toEqual([]);
  }, 300_000);
});
