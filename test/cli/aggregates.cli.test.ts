import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliCloud, stopCliCloud } from '../support/cli-cloud.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();
type Row = Record<string, unknown>;

// Fake hosts: the aggregates, zones, placement and scheduler are real, the servers pretend to run.
describe.skipIf(!ready)(
  'openstack CLI against strata up: host aggregates and availability zones',
  { timeout: 300_000 },
  () => {
    let strata: StrataProcess;
    let cli: OpenStackCli;

    beforeAll(async () => {
      ({ strata, cli } = await startCliCloud({ extraArgs: ['--fake-hosts', '2'] }));
      await cli.createTinyImage('admin', strata.dataDir);
    });
    afterAll(() => stopCliCloud(strata));

    it('creates an aggregate in a zone, adds a host, moves the zone and shows it', async () => {
      const created = await cli.json<Row>('admin', ['aggregate', 'create', '--zone', 'az1', 'agg1']);
      expect(created).toMatchObject({ name: 'agg1', availability_zone: 'az1' });
      const added = await cli.json<Row>('admin', ['aggregate', 'add', 'host', 'agg1', 'fake-0002']);
      expect(added['hosts']).toEqual(['fake-0002']);
      await cli.ok('admin', [
        'aggregate',
        'set',
        '--property',
        'availability_zone=az2',
        '--property',
        'ssd=yes',
        'agg1',
      ]);
      const shown = await cli.json<Row>('admin', ['aggregate', 'show', 'agg1']);
      expect(shown).toMatchObject({ name: 'agg1', availability_zone: 'az2', hosts: ['fake-0002'] });
      expect(shown['properties']).toEqual({ ssd: 'yes' });
      const listed = await cli.json<Row[]>('admin', ['aggregate', 'list', '--long']);
      expect(listed).toEqual([expect.objectContaining({ Name: 'agg1', 'Availability Zone': 'az2' })]);
    });

    it('lists the zones with their hosts', async () => {
      const zones = await cli.json<Row[]>('admin', ['availability', 'zone', 'list', '--compute', '--long']);
      const hostsOf = (zone: string) =>
        zones.filter((z) => z['Zone Name'] === zone).map((z) => [z['Host Name'], z['Service Name']]);
      expect(hostsOf('az2')).toEqual([['fake-0002', 'nova-compute']]);
      expect(hostsOf('nova')).toEqual([['fake-0001', 'nova-compute']]);
    });

    it('shows a hypervisor with the aggregates it is in', async () => {
      const hv = await cli.json<Row>('admin', ['hypervisor', 'show', 'fake-0002']);
      expect(hv).toMatchObject({
        hypervisor_hostname: 'fake-0002',
        service_host: 'fake-0002',
        aggregates: ['agg1'],
      });
      const other = await cli.json<Row>('admin', ['hypervisor', 'show', 'fake-0001']);
      expect(other['aggregates']).toEqual([]);
    });

    it('creates servers on the host of the zone they ask for', async () => {
      for (const [zone, host] of [
        ['az2', 'fake-0002'],
        ['nova', 'fake-0001'],
      ]) {
        const s = await cli.json<Row>('admin', [
          'server',
          'create',
          '--flavor',
          'm1.tiny',
          '--image',
          'tiny',
          '--availability-zone',
          zone!,
          '--wait',
          `in-${zone}`,
        ]);
        expect(s).toMatchObject({
          status: 'ACTIVE',
          'OS-EXT-AZ:availability_zone': zone,
          'OS-EXT-SRV-ATTR:host': host,
        });
      }
      const refused = await cli.run('admin', ['aggregate', 'remove', 'host', 'agg1', 'fake-0002']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain("availability zone of the host would change from 'az2' to 'None'");
    });
  },
);
