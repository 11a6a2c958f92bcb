import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliCloud, stopCliCloud } from '../support/cli-cloud.js';
import { computeMicroversions } from '../../src/compute/compute-version.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();
const max = computeMicroversions.max.join('.');

// The client at the highest compute microversion Strata serves: create, show, list, rebuild,
// resize; x509 key pairs; and the compute images API that ended at 2.35.
describe.skipIf(!ready)(`openstack CLI at compute ${max} against strata up`, () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  const at = (...args: string[]) => ['--os-compute-api-version', max, ...args];

  beforeAll(async () => {
    ({ strata, cli } = await startCliCloud({ extraArgs: ['--fake-hosts', '1'] }));
    await cli.createTinyImage('admin', strata.dataDir);
  });
  afterAll(() => stopCliCloud(strata));

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

  it('resizes the server and confirms it', async () => {
    await cli.ok('admin', at('server', 'resize', '--flavor', 'm1.small', '--wait', 'mv'));
    const resized = await cli.json<Record<string, unknown>>('admin', at('server', 'show', 'mv'));
    expect(resized['status']).toBe('VERIFY_RESIZE');
    await cli.ok('admin', at('server', 'resize', 'confirm', 'mv'));
    const confirmed = await cli.json<Record<string, unknown>>('admin', at('server', 'show', 'mv'));
    expect(confirmed['status']).toBe('ACTIVE');
    expect(JSON.stringify(confirmed['flavor'])).toContain('m1.small');
  });

  it('creates an x509 key pair with its certificate', async () => {
    // OSC 6.0 accepts --type but hands openstacksdk `key_type`, a field the SDK's key pair
    // does not have, so the request carries no type and Nova (and Strata) make an ssh key.
    const privateKey = await cli.ok('admin', at('keypair', 'create', '--type', 'x509', 'mv-cli'));
    expect(privateKey).toContain('PRIVATE KEY-----');
    // The SDK with its own field name sends the type: an x509 key pair with a certificate.
    const created = await cli.sdkJson<Record<string, string>>(
      'admin',
      "k = conn.compute.create_keypair(name='mv-cert', type='x509')\nprint(json.dumps(k.to_dict()))",
    );
    expect(created['type']).toBe('x509');
    expect(created['private_key']).toContain('PRIVATE KEY-----');
    const shown = await cli.json<Record<string, unknown>>('admin', at('keypair', 'show', 'mv-cert'));
    expect(shown['type']).toBe('x509');
    expect(shown['fingerprint']).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    const key = await cli.ok('admin', at('keypair', 'show', '--public-key', 'mv-cert'));
    expect(key).toContain('BEGIN CERTIFICATE');
  });

  it("lists images through compute's images API up to 2.35, and is refused it from 2.36", async () => {
    const names = await cli.sdkJson<string[]>(
      'admin',
      'print(json.dumps([i.name for i in conn.compute.images()]))',
    );
    expect(names).toContain('tiny');
    const status = (version: string) =>
      cli.sdkJson<number>(
        'admin',
        `print(conn.compute.get('/images/detail', microversion='${version}', raise_exc=False).status_code)`,
      );
    expect(await status('2.35')).toBe(200);
    expect(await status('2.36')).toBe(404);
  });
});
