import { describe, expect, it } from 'vitest';
import { compileResponseChecker } from '../../common/http/response-check.js';
import { floatingIpResource } from './floatingip-response-schemas.js';
import { floatingIpView } from './floatingip-view.js';

const fip = floatingIpView({
  id: 'f1',
  project_id: 'p1',
  description: '',
  floating_network_id: 'n1',
  floating_port_id: 'fp1',
  floating_ip_address: '172.24.4.10',
  router_id: null,
  fixed_port_id: null,
  fixed_ip_address: null,
  status: 'DOWN',
  dns_name: '',
  dns_domain: '',
  tags: '[]',
  revision_number: 0,
  created_at: '2026-01-01T00:00:00.123Z',
  updated_at: '2026-01-01T00:00:00.123Z',
});

const full = compileResponseChecker(floatingIpResource.full);
const selected = compileResponseChecker(floatingIpResource.selected);

describe('a Neutron resource schema, in full and as a fields= selection', () => {
  it('takes the view as rendered, and a selection of it', () => {
    expect(full(fip, undefined)).toEqual([]);
    expect(selected({ id: 'f1', status: 'DOWN' }, undefined)).toEqual([]);
  });

  it('fails a body that drops an always-shown attribute, only in full', () => {
    const { dns_name: _dropped, ...rest } = fip;
    expect(full(rest, undefined)).toEqual(['(body): missing ["dns_name"]']);
    expect(selected(rest, undefined)).toEqual([]);
  });

  it('fails a body with an attribute of an extension Strata does not advertise, in both forms', () => {
    const extra = { ...fip, port_forwardings: [] };
    expect(full(extra, undefined)).not.toEqual([]);
    expect(selected({ id: 'f1', port_forwardings: [] }, undefined)).toContain(
      '(body): unexpected ["port_forwardings"]',
    );
  });
});
