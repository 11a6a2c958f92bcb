import { describe, expect, it } from 'vitest';
import { createPolicyEnforcer } from './policy-engine.js';
import type { PolicyCredentials } from './policy-engine.js';
import { parsePolicyRule } from './policy-rule.js';

const member: PolicyCredentials = {
  user_id: 'u1',
  user_domain_id: 'd1',
  project_id: 'p1',
  project_domain_id: 'd1',
  roles: ['member', 'reader'],
};
const systemReader: PolicyCredentials = {
  user_id: 'u2',
  user_domain_id: 'd1',
  system_scope: 'all',
  roles: ['reader'],
};

describe('policy-engine', () => {
  const enforcer = createPolicyEnforcer({
    admin_required: 'role:admin',
    'x:get_project':
      'rule:admin_required or (role:reader and system_scope:all) or project_id:%(target.project.id)s',
    'x:owner': 'user_id:%(user_id)s',
    'x:never': '!',
    'x:always': '@',
    'x:not_member': 'not role:member',
  });

  it('allows a project member to see their own project only', () => {
    expect(enforcer.check('x:get_project', member, { project: { id: 'p1' } })).toBe(true);
    expect(enforcer.check('x:get_project', member, { project: { id: 'p2' } })).toBe(false);
  });

  it('gives a system reader read access everywhere', () => {
    expect(enforcer.check('x:get_project', systemReader, { project: { id: 'p2' } })).toBe(true);
  });

  it('resolves flat target keys and nested rules', () => {
    expect(enforcer.check('x:owner', member, { user_id: 'u1' })).toBe(true);
    expect(enforcer.check('x:owner', member, { user_id: 'u9' })).toBe(false);
    expect(enforcer.check('x:owner', member, {})).toBe(false);
  });

  it("evaluates Neutron's field checks against the target's own attributes", () => {
    const neutron = createPolicyEnforcer({
      shared: 'field:networks:shared=True',
      network_device: 'field:port:device_owner=~^network:',
      get_network: 'project_id:%(project_id)s or rule:shared',
      create_port: 'not rule:network_device',
    });
    expect(neutron.check('get_network', member, { project_id: 'p2', shared: true })).toBe(true);
    expect(neutron.check('get_network', member, { project_id: 'p2', shared: false })).toBe(false);
    expect(neutron.check('create_port', member, { device_owner: 'network:dhcp' })).toBe(false);
    expect(neutron.check('create_port', member, { device_owner: 'compute:nova' })).toBe(true);
  });

  it('supports @, ! and not', () => {
    expect(enforcer.check('x:always', member, {})).toBe(true);
    expect(enforcer.check('x:never', member, {})).toBe(false);
    expect(enforcer.check('x:not_member', member, {})).toBe(false);
  });

  it('denies unknown rules and names the rule in the 403', () => {
    expect(enforcer.check('x:unknown', member, {})).toBe(false);
    expect(() => enforcer.enforce('x:never', member, {})).toThrow(
      'You are not authorized to perform the requested action: x:never.',
    );
  });

  it('lets overrides replace defaults', () => {
    const e = createPolicyEnforcer({ 'x:a': '!' }, { 'x:a': 'role:member' });
    expect(e.check('x:a', member, {})).toBe(true);
  });

  it('rejects malformed rules at start-up', () => {
    expect(() => parsePolicyRule('role:admin or (')).toThrow();
    expect(() => parsePolicyRule('nonsense')).toThrow();
  });
});
