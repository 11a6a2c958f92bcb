"""Strata's compute bodies against tempest's response schemas, at every microversion it serves.

Run through scripts/conformance/sdk-functional (it starts the cloud and writes the clouds):
    scripts/conformance/sdk-functional $PWD/scripts/conformance/test_tempest_compute_schemas.py
Tempest's compute clients pick the schema for the microversion set in COMPUTE_MICROVERSION
and validate each body (additionalProperties False: one field too many fails), so each case
is one read of a real resource through tempest's own client.
"""
import os

import openstack
import pytest
from tempest.lib import auth
from tempest.lib.services import compute
from tempest.lib.services.compute import base_compute_client

MAX_MINOR = int(os.environ.get('STRATA_COMPUTE_MAX_MINOR', '60'))
MICROVERSIONS = [None] + ['2.%d' % m for m in range(1, MAX_MINOR + 1)]


def _clients():
    cfg = openstack.config.OpenStackConfig().get_one(cloud='devstack-admin')
    a = cfg.auth
    v3 = a['auth_url'] + '/v3'
    creds = auth.get_credentials(
        v3, identity_version='v3', username=a['username'],
        password=a['password'], project_name=a['project_name'],
        user_domain_name='Default', project_domain_name='Default')
    provider = auth.KeystoneV3AuthProvider(creds, v3)
    args = (provider, 'compute', cfg.region_name)
    return {name: getattr(compute, name)(*args) for name in (
        'ServersClient', 'FlavorsClient', 'KeyPairsClient', 'LimitsClient',
        'QuotasClient', 'HypervisorClient', 'ServicesClient', 'AggregatesClient',
        'ServerGroupsClient', 'AvailabilityZoneClient', 'TenantUsagesClient',
        'MigrationsClient', 'ExtensionsClient', 'InterfacesClient',
        'VersionsClient')}


@pytest.fixture(scope='module')
def cloud():
    """One ACTIVE server (on `private`, with a key pair, in a server group) and an aggregate."""
    conn = openstack.connect(cloud='devstack-admin')
    image = conn.image.find_image(os.environ['OPENSTACKSDK_IMAGE'])
    flavor = conn.compute.find_flavor(os.environ['OPENSTACKSDK_FLAVOR'])
    keypair = conn.compute.create_keypair(name='schema-kp')
    group = conn.compute.create_server_group(name='schema-sg', policies=['affinity'])
    agg = conn.compute.create_aggregate(name='schema-agg', availability_zone='nova')
    server = conn.compute.create_server(
        name='schema-vm', image_id=image.id, flavor_id=flavor.id,
        key_name=keypair.name, scheduler_hints={'group': group.id},
        networks=[{'uuid': conn.network.find_network('private').id}])
    try:
        server = conn.compute.wait_for_server(server, wait=240)
    except openstack.exceptions.ResourceFailure:
        # Where runc or QEMU cannot start it: an ERROR server's body (with its fault) is
        # still a server body for the schemas.
        server = conn.compute.get_server(server)
    conn.compute.set_server_metadata(server, k='v')
    ids = {'server': server.id, 'flavor': flavor.id, 'keypair': keypair.name,
           'group': group.id, 'aggregate': agg.id, 'project': server.project_id}
    yield _clients(), ids
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=120)
    conn.compute.delete_keypair(keypair)
    conn.compute.delete_server_group(group)
    conn.compute.delete_aggregate(agg)


READS = {
    'servers list': lambda c, i: c['ServersClient'].list_servers(),
    'servers detail': lambda c, i: c['ServersClient'].list_servers(detail=True),
    'server show': lambda c, i: c['ServersClient'].show_server(i['server']),
    'server addresses': lambda c, i: c['ServersClient'].list_addresses(i['server']),
    'server metadata': lambda c, i: c['ServersClient'].list_server_metadata(i['server']),
    'server actions': lambda c, i: c['ServersClient'].list_instance_actions(i['server']),
    'server interfaces': lambda c, i: c['InterfacesClient'].list_interfaces(i['server']),
    'server volume attachments': lambda c, i: c['ServersClient'].list_volume_attachments(i['server']),
    'flavors list': lambda c, i: c['FlavorsClient'].list_flavors(),
    'flavors detail': lambda c, i: c['FlavorsClient'].list_flavors(detail=True),
    'flavor show': lambda c, i: c['FlavorsClient'].show_flavor(i['flavor']),
    'flavor extra specs': lambda c, i: c['FlavorsClient'].list_flavor_extra_specs(i['flavor']),
    'keypairs list': lambda c, i: c['KeyPairsClient'].list_keypairs(),
    'keypair show': lambda c, i: c['KeyPairsClient'].show_keypair(i['keypair']),
    'limits': lambda c, i: c['LimitsClient'].show_limits(),
    'quota set': lambda c, i: c['QuotasClient'].show_quota_set(i['project']),
    'quota set detail': lambda c, i: c['QuotasClient'].show_quota_set(i['project'], detail=True),
    'quota defaults': lambda c, i: c['QuotasClient'].show_default_quota_set(i['project']),
    'hypervisors list': lambda c, i: c['HypervisorClient'].list_hypervisors(),
    'hypervisors detail': lambda c, i: c['HypervisorClient'].list_hypervisors(detail=True),
    # Integer ids before 2.53, UUIDs from it: the id as this microversion lists it.
    'hypervisor show': lambda c, i: c['HypervisorClient'].show_hypervisor(
        c['HypervisorClient'].list_hypervisors()['hypervisors'][0]['id']),
    'hypervisor statistics': lambda c, i: c['HypervisorClient'].show_hypervisor_statistics(),
    'services list': lambda c, i: c['ServicesClient'].list_services(),
    'aggregates list': lambda c, i: c['AggregatesClient'].list_aggregates(),
    'aggregate show': lambda c, i: c['AggregatesClient'].show_aggregate(i['aggregate']),
    'server groups list': lambda c, i: c['ServerGroupsClient'].list_server_groups(),
    'server group show': lambda c, i: c['ServerGroupsClient'].show_server_group(i['group']),
    'availability zones': lambda c, i: c['AvailabilityZoneClient'].list_availability_zones(),
    'availability zones detail': lambda c, i: c['AvailabilityZoneClient'].list_availability_zones(detail=True),
    'tenant usages': lambda c, i: c['TenantUsagesClient'].list_tenant_usages(),
    'tenant usage show': lambda c, i: c['TenantUsagesClient'].show_tenant_usage(i['project']),
    'migrations': lambda c, i: c['MigrationsClient'].list_migrations(),
    'extensions': lambda c, i: c['ExtensionsClient'].list_extensions(),
    'versions': lambda c, i: c['VersionsClient'].list_versions(),
}


@pytest.mark.parametrize('read', sorted(READS))
@pytest.mark.parametrize('microversion', MICROVERSIONS)
def test_body_fits_tempest_schema(cloud, read, microversion):
    clients, ids = cloud
    base_compute_client.COMPUTE_MICROVERSION = microversion
    try:
        READS[read](clients, ids)
    finally:
        base_compute_client.COMPUTE_MICROVERSION = None
