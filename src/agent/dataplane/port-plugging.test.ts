import { describe, expect, it } from 'vitest';
import type { WorkloadNic } from '../drivers/driver.js';
import type { DeviceControlPlane } from '../transport/control-plane.js';
import { FakeDataplane } from './fake/fake-dataplane.js';
import { plugNics, unplugNics } from './port-plugging.js';

const nic: WorkloadNic = {
  portId: 'p1',
  networkId: 'n1',
  mac: 'fa:16:3e:00:00:01',
  mtu: 1450,
  hostName: 'tapp1',
  fixedIps: [],
};

/** A control plane whose network service takes the report from the `acceptFrom`-th try on. */
function devices(acceptFrom: number) {
  const reports: string[] = [];
  const plane: DeviceControlPlane = {
    listPending: async () => [],
    getAssigned: async () => undefined,
    report: async () => true,
    watch: () => () => undefined,
    reportPort: async (_host, _server, portId, status, vifType) => {
      reports.push(`${portId} ${status} ${vifType}`);
      return reports.length >= acceptFrom;
    },
  };
  return { plane, reports };
}

const signal = new AbortController().signal;

describe('plugging ports (Nova vif_plugging_timeout / vif_plugging_is_fatal)', () => {
  it('plugs, reports ACTIVE with the dataplane vif type, and waits for the network service', async () => {
    const dp = new FakeDataplane();
    const { plane, reports } = devices(3);
    const d = {
      hostname: 'h1',
      dataplane: dp,
      devices: plane,
      vifPlugging: { timeoutMs: 5000, fatal: true },
    };
    await plugNics(d, 's1', [nic], signal);
    expect(reports).toEqual(['p1 ACTIVE tap', 'p1 ACTIVE tap', 'p1 ACTIVE tap']);
    expect(dp.calls.slice(0, 2)).toEqual([
      { op: 'ensureNetwork', networkId: 'n1' },
      { op: 'plugPort', portId: 'p1', device: 'tapp1' },
    ]);
    await unplugNics(d, [nic], signal);
    expect(dp.plugged.size).toBe(0);
  });

  it('fails the build when the report never comes and plugging is fatal, goes on when not', async () => {
    const { plane } = devices(Number.POSITIVE_INFINITY);
    const base = { hostname: 'h1', dataplane: new FakeDataplane(), devices: plane };
    await expect(
      plugNics({ ...base, vifPlugging: { timeoutMs: 60, fatal: true } }, 's1', [nic], signal),
    ).rejects.toThrow('Virtual Interface creation failed');
    await expect(
      plugNics({ ...base, vifPlugging: { timeoutMs: 60, fatal: false } }, 's1', [nic], signal),
    ).resolves.toBeUndefined();
  });
});
