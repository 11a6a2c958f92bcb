import { describe, expect, it } from 'vitest';
import type { Microversion } from '../common/http/microversion.js';
import { compileResponseChecker } from '../common/http/response-check.js';
import { aggregateShowResponse } from './aggregates/aggregate-response-schemas.js';
import { aggregateView } from './aggregates/aggregate-view.js';
import { hypervisorShowResponse, serviceListResponse } from './hosts/host-response-schemas.js';
import type { HostState } from './hosts/host-service.js';
import { hypervisorView, serviceView } from './hosts/host-view.js';

// The views against their schemas at each side of a microversion break: a view that keeps
// a field past its version, or misses one, fails here before any client sees it.

const host: HostState = {
  host: {
    id: '5f0c8d3e-7a59-4b0a-9d7c-1a2b3c4d5e6f',
    serviceNumber: 7,
    hostname: 'node-1',
    driver: 'qemu',
    availabilityZone: 'nova',
    status: 'enabled',
    disabledReason: null,
    forcedDown: false,
    lastHeartbeat: '2026-12-07T07:00:00.000Z',
    vcpus: 8,
    memoryMb: 16384,
    localGb: 100,
    facts: { cpu_info: { arch: 'x86_64' }, host_ip: '192.0.2.10' },
  },
  up: true,
  usage: { vcpusUsed: 1, memoryMbUsed: 512, localGbUsed: 1, runningVms: 1, currentWorkload: 0 },
};

const mv = (minor: number): Microversion => [2, minor];

describe('compute response schemas against the views', () => {
  const hypervisor = compileResponseChecker(hypervisorShowResponse);
  const services = compileResponseChecker(serviceListResponse);
  const aggregate = compileResponseChecker(aggregateShowResponse);

  it('takes cpu_info as text before 2.28 and as an object from it', () => {
    for (const minor of [1, 27, 28, 52, 53, 60]) {
      const body = { hypervisor: hypervisorView(host, true, mv(minor)) };
      expect(hypervisor(body, mv(minor)), `2.${minor}`).toEqual([]);
    }
    const object = { hypervisor: hypervisorView(host, true, mv(28)) };
    expect(hypervisor(object, mv(27))).not.toEqual([]);
  });

  it('takes integer service and hypervisor ids before 2.53 and UUIDs from it', () => {
    const at53 = { services: [serviceView(host, mv(53))] };
    expect(services(at53, mv(53))).toEqual([]);
    expect(services(at53, mv(52))).not.toEqual([]);
    expect(services({ services: [serviceView(host, mv(52))] }, mv(52))).toEqual([]);
    expect(hypervisor({ hypervisor: hypervisorView(host, true, mv(53)) }, mv(52))).not.toEqual([]);
  });

  it('wants forced_down from 2.11 only', () => {
    expect(services({ services: [serviceView(host, mv(10))] }, mv(10))).toEqual([]);
    expect(services({ services: [serviceView(host, mv(11))] }, mv(10))).not.toEqual([]);
    expect(services({ services: [serviceView(host, mv(10))] }, mv(11))).not.toEqual([]);
  });

  it('wants the aggregate uuid from 2.41 only', () => {
    const a = {
      id: 3,
      uuid: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      name: 'rack-1',
      hosts: ['node-1'],
      metadata: { availability_zone: 'az1' },
      createdAt: '2026-12-07T07:00:00.000Z',
      updatedAt: null,
    };
    expect(aggregate({ aggregate: aggregateView(a, mv(41)) }, mv(41))).toEqual([]);
    expect(aggregate({ aggregate: aggregateView(a, mv(40)) }, mv(40))).toEqual([]);
    expect(aggregate({ aggregate: aggregateView(a, mv(41)) }, mv(40))).not.toEqual([]);
    expect(aggregate({ aggregate: aggregateView(a, mv(40)) }, mv(41))).not.toEqual([]);
  });
});
