import { describe, expect, it } from 'vitest';
import type { DataplaneHostProbe } from './dataplane-choice.js';
import { chooseDataplane } from './dataplane-choice.js';

const ready: DataplaneHostProbe = { root: true, missingCommands: [], bridgeModule: true, brNetfilter: true };
const never = (): DataplaneHostProbe => {
  throw new Error('the host is not looked at when the setting decides');
};

describe('dataplane choice', () => {
  it('takes linux with auto on a root host that has every tool and module', () => {
    expect(chooseDataplane('auto', true, () => ready).name).toBe('linux');
  });

  it('falls back to fake with auto and says what is missing', () => {
    const c = chooseDataplane('auto', true, () => ({
      root: false,
      missingCommands: ['dnsmasq'],
      bridgeModule: true,
      brNetfilter: false,
    }));
    expect(c.name).toBe('fake');
    expect(c.why).toContain('root');
    expect(c.why).toContain('dnsmasq');
    expect(c.why).toContain('br_netfilter');
    expect(c.why).not.toContain('bridge kernel module');
  });

  it('keeps fake with auto when the compute driver is the fake one', () => {
    expect(chooseDataplane('auto', false, never)).toEqual({
      name: 'fake',
      why: expect.stringContaining('fake compute driver') as unknown as string,
    });
  });

  it('honours an explicit setting whatever the host has', () => {
    expect(chooseDataplane('fake', true, () => ready).name).toBe('fake');
    expect(chooseDataplane('linux', false, never).name).toBe('linux');
  });
});
