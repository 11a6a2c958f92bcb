import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMicroversions } from '../../src/compute/compute-version.js';
import { OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();
const max = computeMicroversions.max.join('.');

// The client at the highest compute microversion Strata serves: create, show, list, rebuild.
describe.skipIf(!ready)(`openstack CLI at compute ${max} against strata up`, () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  const at = (...args: string[]) => ['--os-compute-api-version', max, ...args];

  beforeAll(async () => {
    strata = await startStrata({ extraArgs: ['--fake-hosts', '1'] });
    cli = new OpenStackCli(strata.dataDir);
    cli.setCloud('admin', strata.adminAuth);
    await cli.createTinyImage('admin', strata.dataDir);
  });
  afterAll(async () => {
    if (strata) {
      expect(await strata.stop()).toBe(0);
      await strata.cleanup();
    }
  });

  it('creates, shows (flavor embedded), lists and rebuilds a server', async () => {
    const created = await cli.json<Record<string, unknown>>(
      'admin',
      at('server', 'create', '--flavor', 'm1.tiny', '--image', 'tiny', '--nic', 'none', '--wait', 'mv'),
    );
    expect(created['status']).toBe('ACTIVE');
    const shown = await cli.json<Record<string, unknown>>('admin', at('server', 'show', 'mv'));
    expect(JSON.stringify(shown['flavor'])).toContain('m1.tiny');
    const listed = await cli.json<Array<{ Name: string }>>('admin', at('server', 'list'));
    expect(listed.map((s) => s.Name)).toContain('mv');
    await cli.ok('admin', at('server', 'rebuild', '--image', 'tiny', '--wait', 'mv'));
    expect((await cli.json<Record<string, unknown>>('admin', at('server', 'show', 'mv')))['status']).toBe(
      'ACTIVE',
    );
  });
});
