import { describe, expect, it } from 'vitest';
import { floatingIpView } from './floatingip-view.js';

const details = {
  name: 'web-port',
  network_id: 'n2',
  mac_address: 'fa:16:3e:00:00:01',
  admin_state_up: true,
  status: 'ACTIVE',
  device_id: 'server1',
  device_owner: 'compute:nova',
};

describe('floating IP view', () => {
  it('renders the association, its port details and the standard attributes as Neutron does', () => {
    const view = floatingIpView(
      {
        id: 'f1',
        project_id: 'p1',
        description: '',
        floating_network_id: 'n1',
        floating_port_id: 'fp1',
        floating_ip_address: '172.24.4.10',
        router_id: 'r1',
        fixed_port_id: 'port1',
        fixed_ip_address: '10.0.0.5',
        status: 'ACTIVE',
        dns_name: 'web',
        dns_domain: 'example.org.',
        tags: '["a"]',
        revision_number: 3,
        created_at: '2026-01-01T00:00:00.123Z',
        updated_at: '2026-01-01T00:00:01.456Z',
      },
      details,
    );
    expect(view).toEqual({
      id: 'f1',
      tenant_id: 'p1',
      project_id: 'p1',
      floating_ip_address: '172.24.4.10',
      floating_network_id: 'n1',
      router_id: 'r1',
      port_id: 'port1',
      fixed_ip_address: '10.0.0.5',
      status: 'ACTIVE',
      port_details: details,
      dns_name: 'web',
      dns_domain: 'example.org.',
      description: '',
      tags: ['a'],
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:01Z',
      revision_number: 3,
    });
  });
});
