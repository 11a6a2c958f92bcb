import { describe, expect, it } from 'vitest';
import type { HostView, PlacementRequest } from './host-view.js';
import { defaultPipeline, describeReport, select } from './pipeline.js';

const host = (name: string, freeRam: number, extra: Partial<HostView> = {}): HostView => ({
  hostname: name,
  providerId: `rp-${name}`,
  availabilityZone: 'nova',
  enabled: true,
  up: true,
  capacity: { VCPU: 16, MEMORY_MB: 8192, DISK_GB: 100 },
  used: { VCPU: 0, MEMORY_MB: 8192 - freeRam, DISK_GB: 0 },
  maxUnit: {},
  traits: new Set(['CUSTOM_STRATA_VM']),
  ...extra,
});
const req = (over: Partial<PlacementRequest> = {}): PlacementRequest => ({
  consumerId: 's1',
  resources: { VCPU: 2, MEMORY_MB: 2048, DISK_GB: 10 },
  requiredTraits: ['CUSTOM_STRATA_VM'],
  ...over,
});

describe('scheduler pipeline', () => {
  it('spreads to the host with most free RAM, or packs to the least', () => {
    const hosts = [host('a', 3000), host('b', 8000), host('c', 5000)];
    expect(select(hosts, req(), defaultPipeline('spread')).chosen.map((h) => h.hostname)).toEqual([
      'b',
      'c',
      'a',
    ]);
    expect(select(hosts, req(), defaultPipeline('pack')).chosen[0]!.hostname).toBe('a');
  });

  it('explains why every host was rejected', () => {
    const hosts = [
      host('a', 1000),
      host('b', 8000, { traits: new Set() }),
      host('c', 8000, { enabled: false }),
    ];
    const { chosen, report } = select(hosts, req(), defaultPipeline('spread'));
    expect(chosen).toEqual([]);
    expect(describeReport(report)).toBe(
      '3 hosts: 1 lacking MEMORY_MB, 1 without trait CUSTOM_STRATA_VM, 1 disabled',
    );
  });

  it('keeps anti-affinity members apart and affinity members together', () => {
    const hosts = [host('a', 8000), host('b', 8000)];
    const anti = req({
      group: { policy: 'anti-affinity', membersByHost: new Map([['a', 1]]), maxPerHost: 1 },
    });
    expect(select(hosts, anti, defaultPipeline('spread')).chosen.map((h) => h.hostname)).toEqual(['b']);
    const aff = req({ group: { policy: 'affinity', membersByHost: new Map([['b', 1]]), maxPerHost: 1 } });
    expect(select(hosts, aff, defaultPipeline('spread')).chosen.map((h) => h.hostname)).toEqual(['b']);
  });

  it('filters by availability zone and max_unit', () => {
    const hosts = [host('a', 8000, { availabilityZone: 'az1' }), host('b', 8000, { maxUnit: { VCPU: 1 } })];
    expect(
      select(hosts, req({ availabilityZone: 'az1' }), defaultPipeline('spread')).chosen.map(
        (h) => h.hostname,
      ),
    ).toEqual(['a']);
    expect(select(hosts, req(), defaultPipeline('spread')).chosen.map((h) => h.hostname)).toEqual(['a']);
  });

  it('skips hosts a rescheduled build already failed on, and says so', () => {
    const hosts = [host('a', 8000), host('b', 6000), host('c', 3000)];
    const retry = req({ ignoreHosts: ['a', 'b'] });
    expect(select(hosts, retry, defaultPipeline('spread')).chosen.map((h) => h.hostname)).toEqual(['c']);
    const none = select(hosts, req({ ignoreHosts: ['a', 'b', 'c'] }), defaultPipeline('spread'));
    expect(none.chosen).toEqual([]);
    expect(describeReport(none.report)).toBe('3 hosts: 3 already tried');
  });
});

describe('select over many hosts', () => {
  it('returns the three best, best first, ties broken by hostname', () => {
    const frees = [5000, 7000, 1000, 7000, 3000, 8000, 2000, 7000];
    const hosts = frees.map((f, i) => host(`h${i}`, f));
    const { chosen, report } = select(hosts, req(), defaultPipeline('spread'));
    expect(chosen.map((h) => h.hostname)).toEqual(['h5', 'h1', 'h3']);
    expect(report.top.map((t) => t.hostname)).toEqual(['h5', 'h1', 'h3']);
    expect(select(hosts, req(), defaultPipeline('pack')).chosen.map((h) => h.hostname)).toEqual([
      'h4', // h2 and h6 lack the 2048 MB asked
      'h0',
      'h1',
    ]);
  });
});

describe('traits and resources from flavor specs', () => {
  it('rejects hosts with a forbidden trait, and says so', () => {
    const hosts = [
      host('a', 8000, { traits: new Set(['CUSTOM_STRATA_VM', 'CUSTOM_SLOW']) }),
      host('b', 3000),
    ];
    const forbid = req({ forbiddenTraits: ['CUSTOM_SLOW'] });
    expect(select(hosts, forbid, defaultPipeline('spread')).chosen.map((h) => h.hostname)).toEqual(['b']);
    const none = select(hosts, req({ forbiddenTraits: ['CUSTOM_STRATA_VM'] }), defaultPipeline('spread'));
    expect(none.chosen).toEqual([]);
    expect(describeReport(none.report)).toBe('2 hosts: 2 with forbidden trait CUSTOM_STRATA_VM');
  });

  it('asks for any class, within min_unit and step_size as placement would', () => {
    const fpga = { VCPU: 16, MEMORY_MB: 8192, DISK_GB: 100, CUSTOM_FPGA: 4 };
    const hosts = [
      host('a', 8000),
      host('b', 8000, { capacity: fpga, stepSize: { CUSTOM_FPGA: 2 } }),
      host('c', 8000, { capacity: fpga, minUnit: { CUSTOM_FPGA: 3 } }),
      host('d', 1000, { capacity: fpga }),
    ];
    const asking = (n: number) =>
      select(hosts, req({ resources: { MEMORY_MB: 512, CUSTOM_FPGA: n } }), defaultPipeline('spread'));
    expect(asking(1).chosen.map((h) => h.hostname)).toEqual(['d']); // b: odd amount, c: below its min
    expect(asking(2).chosen.map((h) => h.hostname)).toEqual(['b', 'd']);
    expect(asking(3).chosen.map((h) => h.hostname)).toEqual(['c', 'd']);
    expect(describeReport(asking(5).report)).toBe('4 hosts: 4 lacking CUSTOM_FPGA');
  });
});
