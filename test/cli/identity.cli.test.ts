import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliCloud, stopCliCloud } from '../support/cli-cloud.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();

// Needs Debian's python3-openstackclient and `npm run build`; scripts/test provides both.
describe.skipIf(!ready)('openstack CLI against strata up: identity', () => {
  let strata: StrataProcess;
  let cli: OpenStackCli;
  let member: Record<string, unknown>;

  beforeAll(async () => {
    ({ strata, cli } = await startCliCloud());
    member = {
      auth_url: strata.adminAuth['auth_url'],
      username: 'mia',
      password: 'mia-pw-1',
      project_name: 'demo',
      user_domain_name: 'Default',
      project_domain_name: 'Default',
    };
  });
  afterAll(() => stopCliCloud(strata));

  it('issues a token and lists the catalog', async () => {
    const token = await cli.json<{ id: string; project_id: string; user_id: string; expires: string }>(
      'admin',
      ['token', 'issue'],
    );
    expect(token.id.length).toBeGreaterThan(100);
    expect(token.project_id).toMatch(/^[0-9a-f]{32}$/);
    const catalog = await cli.json<
      Array<{ Name: string; Type: string; Endpoints: Array<{ interface: string; url: string }> }>
    >('admin', ['catalog', 'list']);
    const identity = catalog.find((c) => c.Type === 'identity');
    expect(identity?.Name).toBe('keystone');
    expect(identity?.Endpoints.map((e) => e.interface).sort()).toEqual(['admin', 'internal', 'public']);
    expect(identity?.Endpoints.every((e) => e.url === `${strata.url}/identity/v3`)).toBe(true);
  });

  it('creates, lists, shows, sets and deletes a project', async () => {
    const created = await cli.json<{ id: string; name: string }>('admin', [
      'project',
      'create',
      '--description',
      'first',
      'scratch',
    ]);
    expect(created.name).toBe('scratch');
    const list = await cli.json<Array<{ Name: string }>>('admin', ['project', 'list']);
    expect(list.map((p) => p.Name)).toEqual(expect.arrayContaining(['admin', 'scratch']));
    await cli.ok('admin', [
      'project',
      'set',
      '--description',
      'second',
      '--property',
      'tier=gold',
      'scratch',
    ]);
    const shown = await cli.json<Record<string, unknown>>('admin', ['project', 'show', 'scratch']);
    expect(shown).toMatchObject({ description: 'second', tier: 'gold', domain_id: 'default' });
    await cli.ok('admin', ['project', 'delete', 'scratch']);
    const gone = await cli.run('admin', ['project', 'show', created.id]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/No project with a name or ID/);
  });

  it('creates users, sets a password and grants a role', async () => {
    await cli.json('admin', ['project', 'create', 'demo']);
    const user = await cli.json<{ id: string; name: string }>('admin', [
      'user',
      'create',
      '--password',
      'first-pw',
      'mia',
    ]);
    expect(user.name).toBe('mia');
    await cli.ok('admin', ['user', 'set', '--password', 'mia-pw-1', 'mia']);
    const users = await cli.json<Array<{ Name: string }>>('admin', ['user', 'list']);
    expect(users.map((u) => u.Name)).toEqual(expect.arrayContaining(['admin', 'mia']));
    await cli.ok('admin', ['role', 'add', '--user', 'mia', '--project', 'demo', 'member']);
    const assignments = await cli.json<Array<Record<string, string>>>('admin', [
      'role',
      'assignment',
      'list',
      '--names',
    ]);
    expect(assignments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Role: 'member', User: 'mia@Default', Project: 'demo@Default' }),
      ]),
    );
    cli.setCloud('member', member);
    const token = await cli.json<{ project_id: string }>('member', ['token', 'issue']);
    expect(token.project_id).toMatch(/^[0-9a-f]{32}$/);
    cli.setCloud('stale', { ...member, password: 'first-pw' });
    expect((await cli.run('stale', ['token', 'issue'])).stderr).toMatch(/HTTP 401/);
  });

  it('gives a member 403 on admin-only calls and hides other projects', async () => {
    // The CLI answers a 403 on GET /v3/projects by listing the caller's own projects instead.
    const visible = await cli.json<Array<{ Name: string }>>('member', ['project', 'list']);
    expect(visible.map((p) => p.Name)).toEqual(['demo']);
    for (const args of [
      ['user', 'list'],
      ['project', 'create', 'sneaky'],
      ['role', 'assignment', 'list'],
    ]) {
      const r = await cli.run('member', args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(/HTTP 403/);
    }
    const admin = await cli.json<{ id: string }>('admin', ['project', 'show', 'admin']);
    const other = await cli.run('member', ['project', 'show', admin.id]);
    expect(other.stderr).toMatch(/HTTP 403/);
    const own = await cli.json<{ name: string }>('member', ['project', 'show', 'demo']);
    expect(own.name).toBe('demo');
  });

  it('removes a role', async () => {
    await cli.ok('admin', ['role', 'remove', '--user', 'mia', '--project', 'demo', 'member']);
    expect((await cli.run('member', ['token', 'issue'])).stderr).toMatch(/HTTP 401/);
    await cli.ok('admin', ['role', 'add', '--user', 'mia', '--project', 'demo', 'member']);
  });

  it('creates an application credential and authenticates with it', async () => {
    const cred = await cli.json<{ id: string; secret: string; roles: string }>('member', [
      'application',
      'credential',
      'create',
      'deployer',
    ]);
    expect(cred.secret.length).toBeGreaterThan(20);
    cli.setCloud(
      'appcred',
      {
        auth_url: strata.adminAuth['auth_url'],
        application_credential_id: cred.id,
        application_credential_secret: cred.secret,
      },
      'v3applicationcredential',
    );
    const token = await cli.json<{ user_id: string; project_id: string }>('appcred', ['token', 'issue']);
    const demo = await cli.json<{ id: string }>('member', ['project', 'show', 'demo']);
    expect(token.project_id).toBe(demo.id);
    const list = await cli.json<Array<{ Name: string }>>('member', ['application', 'credential', 'list']);
    expect(list.map((c) => c.Name)).toContain('deployer');
    // A credential limited by access rules may make only the calls they list.
    // `project list --my-projects` reads GET /v3/users/{id}/projects.
    const rules = '[{"service": "identity", "method": "GET", "path": "/v3/users/*/projects"}]';
    const ruled = await cli.json<{ id: string; secret: string }>('member', [
      'application',
      'credential',
      'create',
      '--access-rules',
      rules,
      'ruled',
    ]);
    cli.setCloud(
      'ruled',
      {
        auth_url: strata.adminAuth['auth_url'],
        application_credential_id: ruled.id,
        application_credential_secret: ruled.secret,
      },
      'v3applicationcredential',
    );
    const projects = await cli.json<Array<{ Name: string }>>('ruled', ['project', 'list', '--my-projects']);
    expect(projects.map((p) => p.Name)).toEqual(['demo']);
    const refused = await cli.run('ruled', ['user', 'show', 'mia']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/HTTP 401/);
    const shown = await cli.json<Array<{ Path: string }>>('member', ['access', 'rule', 'list']);
    expect(shown.map((r) => r.Path)).toEqual(['/v3/users/*/projects']);
  });

  it('revokes a token', async () => {
    const token = await cli.json<{ id: string }>('admin', ['token', 'issue']);
    cli.setCloud(
      'by-token',
      {
        auth_url: strata.adminAuth['auth_url'],
        token: token.id,
        project_name: 'admin',
        project_domain_name: 'Default',
      },
      'token',
    );
    expect((await cli.run('by-token', ['project', 'show', 'admin'])).code).toBe(0);
    await cli.ok('admin', ['token', 'revoke', token.id]);
    const after = await cli.run('by-token', ['project', 'show', 'admin']);
    expect(after.stderr).toMatch(/HTTP 401/);
  });
});
