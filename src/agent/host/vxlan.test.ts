import { describe, expect, it } from 'vitest';
import { remoteFdbMatches } from './vxlan.js';

const flood = (dst: string) => ({ mac: '00:00:00:00:00:00', dst });

describe('remoteFdbMatches', () => {
  const macs = new Map([['FA:16:3E:00:00:01', '198.18.0.12']]);

  it('holds for exactly the flood list and the remote MACs (MACs compared case-blind)', () => {
    const entries = [
      flood('198.18.0.12'),
      flood('198.18.0.13'),
      { mac: 'fa:16:3e:00:00:01', dst: '198.18.0.12' },
    ];
    expect(remoteFdbMatches(entries, ['198.18.0.13', '198.18.0.12'], macs)).toBe(true);
  });

  it('fails when a flood destination or a MAC entry went missing', () => {
    expect(remoteFdbMatches([flood('198.18.0.12')], ['198.18.0.12'], macs)).toBe(false);
    expect(remoteFdbMatches([{ mac: 'fa:16:3e:00:00:01', dst: '198.18.0.12' }], ['198.18.0.12'], macs)).toBe(
      false,
    );
    expect(remoteFdbMatches([], [], new Map())).toBe(true);
  });

  it('fails on an entry nobody wants, or one pointing at the wrong host', () => {
    const stale = [
      flood('198.18.0.12'),
      flood('198.18.0.99'),
      { mac: 'fa:16:3e:00:00:01', dst: '198.18.0.12' },
    ];
    expect(remoteFdbMatches(stale, ['198.18.0.12'], macs)).toBe(false);
    const moved = [flood('198.18.0.12'), { mac: 'fa:16:3e:00:00:01', dst: '198.18.0.13' }];
    expect(remoteFdbMatches(moved, ['198.18.0.12'], macs)).toBe(false);
  });
});
