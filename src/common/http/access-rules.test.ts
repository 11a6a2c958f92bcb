import { describe, expect, it } from 'vitest';
import { accessRulesPermit, pathPattern } from './access-rules.js';

describe('access rules', () => {
  it('matches one segment for * and {name}, any for **, and the rest literally', () => {
    expect(pathPattern('/v2.1/servers/*').test('/v2.1/servers/abc')).toBe(true);
    expect(pathPattern('/v2.1/servers/*').test('/v2.1/servers/abc/action')).toBe(false);
    expect(pathPattern('/v2.1/servers/{server_id}/action').test('/v2.1/servers/x/action')).toBe(true);
    expect(pathPattern('/v2.1/servers/**').test('/v2.1/servers/abc/metadata/k')).toBe(true);
    expect(pathPattern('/v2.1/servers').test('/v2x1/servers')).toBe(false);
    expect(pathPattern('/v2.1/servers').test('/v2.1/servers/')).toBe(false);
  });

  it('needs the service type, the method and the path to match one rule', () => {
    const rules = [{ id: 'r1', service: 'compute', method: 'GET', path: '/v2.1/servers' }];
    const call = { serviceType: 'compute', method: 'GET', path: '/v2.1/servers' };
    expect(accessRulesPermit(rules, call)).toBe(true);
    expect(accessRulesPermit(rules, { ...call, method: 'POST' })).toBe(false);
    expect(accessRulesPermit(rules, { ...call, serviceType: 'image' })).toBe(false);
    expect(accessRulesPermit(rules, { ...call, path: '/v2.1/flavors' })).toBe(false);
  });

  it('always lets a token be validated', () => {
    const call = { serviceType: 'identity', method: 'GET', path: '/v3/auth/tokens' };
    expect(accessRulesPermit([], call)).toBe(true);
    expect(accessRulesPermit([], { ...call, method: 'DELETE' })).toBe(false);
  });
});
