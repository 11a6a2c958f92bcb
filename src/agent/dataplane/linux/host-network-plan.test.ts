import { describe, expect, it } from 'vitest';
import { bridgeNameOf } from '../../host/bridge.js';
import type { HostNetwork, HostNetworkState, HostPort } from '../host-network-state.js';
import type { LinuxDataplaneConfig, ObservedLink } from './host-network-plan.js';
import { planHost } from './host-network-plan.js';

const netA = '11111111-aaaa-4000-8000-000000000001';
const netB = '22222222-bbbb-4000-8000-000000000002';
const config: LinuxDataplaneConfig = {
  tunnelIp: '10.0.0.1',
  physicalNetworks: new Map([['physnet1', 'eth1']]),
};

const network = (o: Partial<HostNetwork> & { id: string }): HostNetwork => ({
  mtu: 1450,
  networkType: 'vxlan',
  segmentationId: 100,
  physicalNetwork: null,
  subnets: [],
  remoteHosts: [],
  remotePorts: [],
  ...o,
});
const port = (o: Partial<HostPort> & { id: string }): HostPort => ({
  networkId: netA,
  device: `tap${o.id.slice(0, 11)}`,
  mac: 'fa:16:3e:00:00:01',
  mtu: 1450,
  fixedIps: ['10.1.0.5'],
  allowedAddressPairs: [],
  portSecurityEnabled: true,
  rules: [],
  ...o,
});
const link = (name: string, kind?: string, master?: string, mtu = 1450): ObservedLink => ({
  name,
  kind,
  master,
  mtu,
});

describe('host network plan', () => {
  it('wires a vxlan network with the other hosts as flood list and their ports as static FDB', () => {
    const state: HostNetworkState = {
      networks: [
        network({
          id: netA,
          remoteHosts: ['10.0.0.1', '10.0.0.2'],
          remotePorts: [
            { mac: 'FA:16:3E:00:00:02', tunnelIp: '10.0.0.2' },
            { mac: 'fa:16:3e:00:00:03', tunnelIp: '10.0.0.1' },
          ],
        }),
      ],
      ports: [port({ id: 'p1aaaaaaaaaaaa' })],
      remoteGroups: {},
    };
    const plan = planHost(state, [], config);
    expect(plan.networks).toEqual([
      {
        networkId: netA,
        bridge: bridgeNameOf(netA),
        mtu: 1450,
        uplink: {
          kind: 'vxlan',
          name: 'vxlan-100',
          vni: 100,
          local: '10.0.0.1',
          floodTo: ['10.0.0.2'],
          remoteMacs: new Map([['fa:16:3e:00:00:02', '10.0.0.2']]),
        },
      },
    ]);
    // The device is not there yet: nothing to plug, but the filter covers it already.
    expect(plan.plugs).toEqual([]);
    expect(plan.filters.map((f) => [f.portId, f.device, f.bridge])).toEqual([
      ['p1aaaaaaaaaaaa', 'tapp1aaaaaaaaa', bridgeNameOf(netA)],
    ]);
  });

  it('plugs a present device that is outside its bridge or has the wrong MTU, and leaves a wired one', () => {
    const state: HostNetworkState = {
      networks: [network({ id: netA })],
      ports: [port({ id: 'p1aaaaaaaaaaaa' }), port({ id: 'p2bbbbbbbbbbbb' }), port({ id: 'p3cccccccccccc' })],
      remoteGroups: {},
    };
    const bridge = bridgeNameOf(netA);
    const links = [
      link('tapp1aaaaaaaaa', 'veth'),
      link('tapp2bbbbbbbbb', 'veth', bridge),
      link('tapp3ccccccccc', 'tun', bridge, 1500),
    ];
    expect(planHost(state, links, config).plugs).toEqual([
      { device: 'tapp1aaaaaaaaa', bridge, mtu: 1450 },
      { device: 'tapp3ccccccccc', bridge, mtu: 1450 },
    ]);
  });

  it("removes Strata's bridges and VXLAN devices of networks gone from the host, and nothing else", () => {
    const state: HostNetworkState = { networks: [network({ id: netA })], ports: [], remoteGroups: {} };
    const links = [
      link(bridgeNameOf(netA), 'bridge'),
      link('vxlan-100', 'vxlan', bridgeNameOf(netA)),
      link(bridgeNameOf(netB), 'bridge'),
      link('vxlan-200', 'vxlan', bridgeNameOf(netB)),
      link('docker0', 'bridge'),
      link('flannel.1', 'vxlan'),
      link('brqlookalike', 'veth'),
    ];
    const plan = planHost(state, links, config);
    expect(plan.staleBridges).toEqual([bridgeNameOf(netB)]);
    expect(plan.staleVxlans).toEqual(['vxlan-200']);
    // Nothing left on the host: every Strata bridge and VXLAN device goes.
    const empty = planHost({ networks: [], ports: [], remoteGroups: {} }, links, config);
    expect(empty.staleBridges).toEqual([bridgeNameOf(netA), bridgeNameOf(netB)]);
    expect(empty.staleVxlans).toEqual(['vxlan-100', 'vxlan-200']);
    expect(empty.filters).toEqual([]);
  });

  it('puts flat and VLAN networks on their physical interface, and keeps unmapped ones local', () => {
    const state: HostNetworkState = {
      networks: [
        network({ id: netA, networkType: 'flat', segmentationId: null, physicalNetwork: 'physnet1' }),
        network({ id: netB, networkType: 'vlan', segmentationId: 42, physicalNetwork: 'physnet1' }),
        network({ id: 'c', networkType: 'flat', segmentationId: null, physicalNetwork: 'unmapped' }),
        network({ id: 'd', networkType: 'local', segmentationId: null }),
      ],
      ports: [],
      remoteGroups: {},
    };
    expect(planHost(state, [], config).networks.map((n) => n.uplink)).toEqual([
      { kind: 'physical', physicalInterface: 'eth1', vlanId: undefined },
      { kind: 'physical', physicalInterface: 'eth1', vlanId: 42 },
      undefined,
      undefined,
    ]);
    // Without a tunnel address a vxlan network stays on the host.
    const noTunnel = planHost({ ...state, networks: [network({ id: netA })] }, [], {
      ...config,
      tunnelIp: undefined,
    });
    expect(noTunnel.networks[0]?.uplink).toBeUndefined();
  });

  it("hands each port's rules, address pairs and the remote groups' members to the filter", () => {
    const rule = {
      direction: 'ingress' as const,
      ethertype: 'IPv4' as const,
      protocol: 'tcp',
      port_range_min: 22,
      port_range_max: 22,
      remote_ip_prefix: null,
      remote_group_id: 'g1',
    };
    const state: HostNetworkState = {
      networks: [network({ id: netA })],
      ports: [
        port({
          id: 'p1aaaaaaaaaaaa',
          rules: [rule],
          allowedAddressPairs: [{ ip_address: '10.1.0.99' }],
        }),
        port({ id: 'p2bbbbbbbbbbbb', portSecurityEnabled: false }),
      ],
      remoteGroups: { g1: ['10.1.0.5', '10.1.0.6'] },
    };
    const plan = planHost(state, [], config);
    expect(plan.filters[0]).toMatchObject({
      rules: [rule],
      allowedAddressPairs: [{ ip_address: '10.1.0.99' }],
      portSecurityEnabled: true,
    });
    expect(plan.filters[1]?.portSecurityEnabled).toBe(false);
    expect(plan.members).toEqual(new Map([['g1', ['10.1.0.5', '10.1.0.6']]]));
  });
  it("leaves another cloud's bridges and VXLAN devices alone, and never takes its VXLAN device", () => {
    const theirs = { ...link(bridgeNameOf(netB), 'bridge'), alias: 'strata-1a2b3c' };
    const links = [
      link(bridgeNameOf(netA), 'bridge'),
      theirs,
      link('vxlan-100', 'vxlan', bridgeNameOf(netB)),
    ];
    const state: HostNetworkState = { networks: [network({ id: netA })], ports: [], remoteGroups: {} };
    const plan = planHost(state, links, config);
    expect(plan.staleBridges).toEqual([]);
    expect(plan.staleVxlans).toEqual([]);
    expect(plan.vxlansOfOtherClouds).toEqual(['vxlan-100']);
    const other = planHost({ ...state, networks: [] }, links, { ...config, bridgeOwner: 'strata-1a2b3c' });
    expect(other.staleBridges).toEqual([bridgeNameOf(netB)]);
    expect(other.staleVxlans).toEqual(['vxlan-100']);
  });
});
