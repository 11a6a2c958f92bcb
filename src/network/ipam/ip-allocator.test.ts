import { describe, expect, it } from 'vitest';
import { formatIp, parseIp } from './ip-address.js';
import { pickFree, poolSize, randomCandidates } from './ip-allocator.js';
import { eui64, randomMac, sanitizeMac } from './mac-address.js';

const ip = (s: string) => parseIp(s)!.value;

describe('address picking', () => {
  it('never picks a taken address and reports a full pool', () => {
    const pool = [{ start: ip('10.0.0.2'), end: ip('10.0.0.6') }];
    const taken = new Set([ip('10.0.0.2'), ip('10.0.0.3'), ip('10.0.0.5'), ip('10.0.0.6')]);
    for (let i = 0; i < 20; i++) expect(pickFree(pool, (v) => taken.has(v))).toBe(ip('10.0.0.4'));
    taken.add(ip('10.0.0.4'));
    expect(pickFree(pool, (v) => taken.has(v))).toBeUndefined();
  });

  it('samples distinct candidates inside the pools, also from IPv6 pools wider than 2^53', () => {
    const pools = [
      { start: ip('10.0.0.2'), end: ip('10.0.0.3') },
      { start: ip('10.0.1.0'), end: ip('10.0.1.255') },
    ];
    expect(poolSize(pools)).toBe(258n);
    const picked = randomCandidates(pools, 16);
    expect(new Set(picked).size).toBe(16);
    for (const v of picked) expect(pools.some((p) => v >= p.start && v <= p.end)).toBe(true);
    expect(randomCandidates([{ start: ip('10.0.0.2'), end: ip('10.0.0.3') }], 16).sort()).toEqual([
      ip('10.0.0.2'),
      ip('10.0.0.3'),
    ]);
    const v6 = [{ start: ip('2001:db8::2'), end: ip('2001:db8::ffff:ffff:ffff:ffff') }];
    for (const v of randomCandidates(v6, 8)) expect(v >= v6[0]!.start && v <= v6[0]!.end).toBe(true);
  });

  it('parses strictly and prints canonical text', () => {
    expect(parseIp('010.0.0.1')).toBeUndefined();
    expect(parseIp('fe80::1%eth0')).toBeUndefined();
    expect(formatIp(parseIp('2001:0db8:0:0::0001')!)).toBe('2001:db8::1');
  });
});

describe('MAC addresses', () => {
  it('generates in the OpenStack OUI and sanitizes input as Neutron does', () => {
    expect(randomMac()).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    expect(sanitizeMac('FA-16-3E-0A-0B-0C')).toBe('fa:16:3e:0a:0b:0c');
    expect(sanitizeMac('01:00:5e:00:00:01')).toBeUndefined();
  });

  it('derives the modified EUI-64 SLAAC address', () => {
    expect(formatIp({ version: 6, value: eui64(ip('2001:db8::'), 'fa:16:3e:11:22:33') })).toBe(
      '2001:db8::f816:3eff:fe11:2233',
    );
  });
});
