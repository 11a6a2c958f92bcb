import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http-client.js';
import { openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();

/** Runs a shell line with none of the caller's OS_* settings, as a fresh login shell would. */
function sh(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')));
  return new Promise((resolve) => {
    execFile('bash', ['-c', line], { env, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

// Needs Debian's python3-openstackclient and `npm run build`; scripts/test provides both.
describe.skipIf(!ready)('strata up', () => {
  let strata: StrataProcess;
  beforeAll(async () => {
    strata = await startStrata();
  });
  afterAll(() => strata?.cleanup());

  it('writes an owner-only openrc with the admin credential', () => {
    const file = join(strata.dataDir, 'openrc');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const rc = readFileSync(file, 'utf8');
    for (const line of [
      `export OS_AUTH_URL=${String(strata.adminAuth['auth_url'])}`,
      `export OS_USERNAME=${String(strata.adminAuth['username'])}`,
      'export OS_PROJECT_NAME=admin',
      'export OS_USER_DOMAIN_NAME=Default',
      'export OS_PROJECT_DOMAIN_NAME=Default',
      'export OS_REGION_NAME=RegionOne',
      'export OS_IDENTITY_API_VERSION=3',
      'export OS_INTERFACE=public',
    ])
      expect(rc.split('\n')).toContain(line);
    expect(rc).toMatch(/^export OS_PASSWORD='.+'$/m);
    expect(strata.adminAuth['auth_url']).toBe(`${strata.url}/identity`);
  });

  it('lets a shell that sources openrc issue a token', async () => {
    const r = await sh(`. '${join(strata.dataDir, 'openrc')}' && openstack token issue -f json`);
    expect(r.code, r.stderr).toBe(0);
    const token = JSON.parse(r.stdout) as { id: string; project_id: string };
    expect(token.id.length).toBeGreaterThan(100);
    expect(token.project_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('lists every service it serves in the catalog, at its own prefix', async () => {
    const client = new HttpClient(strata.url);
    await client.login(strata);
    const { json } = await client.call<{
      catalog: Array<{ type: string; endpoints: Array<{ url: string }> }>;
    }>('GET', '/identity/v3/auth/catalog');
    const byType = new Map(json.catalog.map((c) => [c.type, c.endpoints.map((e) => e.url)]));
    expect(byType.get('identity')).toContain(`${strata.url}/identity/v3`);
    expect(byType.get('compute')?.[0]).toMatch(new RegExp(`^${strata.url}/compute/v2\\.1`));
    expect(byType.get('image')?.[0]).toMatch(new RegExp(`^${strata.url}/image`));
    expect(byType.get('placement')?.[0]).toMatch(new RegExp(`^${strata.url}/placement`));
  });

  it('exits 0 on SIGINT', async () => {
    const exited = new Promise<number | null>((resolve) =>
      strata.child.once('exit', (code) => resolve(code)),
    );
    strata.child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});

describe.skipIf(!ready)('strata up with fake-driver options', () => {
  let strata: StrataProcess;
  beforeAll(async () => {
    strata = await startStrata({
      extraArgs: [
        '--compute-driver',
        'fake',
        '--fake-hosts',
        '2',
        '--fake-host-shape',
        'vcpus=3,memory_mb=2048,disk_gb=20',
        '--fake-create-delay-ms',
        '10',
      ],
    });
  });
  afterAll(() => strata?.cleanup());

  it('runs the asked number of fake hosts with the asked size', async () => {
    const http = new HttpClient(strata.url);
    await http.login(strata);
    const { json } = await http.call<{ hypervisors: Array<Record<string, unknown>> }>(
      'GET',
      '/compute/v2.1/os-hypervisors/detail',
    );
    const hypervisors = json.hypervisors;
    expect(hypervisors.map((h) => h['hypervisor_hostname']).sort()).toEqual(['fake-0001', 'fake-0002']);
    for (const h of hypervisors) expect(h).toMatchObject({ vcpus: 3, memory_mb: 2048, local_gb: 20 });
  });
});

describe.skipIf(!ready)('strata up in a data directory others can read', () => {
  let strata: StrataProcess;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'strata-up-'));
    chmodSync(dataDir, 0o755);
    strata = await startStrata({ dataDir });
  });
  afterAll(() => strata?.cleanup());

  const modeOf = (file: string) => statSync(join(dataDir, file)).mode & 0o777;

  it('makes the directory 0700, says so, and keeps the database and its WAL owner-only', () => {
    expect(modeOf('.')).toBe(0o700);
    expect(readFileSync(join(dataDir, 'strata.log'), 'utf8')).toMatch(/was mode 755, readable by others/);
    for (const file of ['strata.db', 'strata.db-wal', 'strata.db-shm', 'strata.log', 'admin-password'])
      expect([file, modeOf(file)]).toEqual([file, 0o600]);
  });

  it('is stopped by cleanup before its data directory goes, leaving no process behind', async () => {
    const pid = strata.child.pid!;
    await strata.cleanup();
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(existsSync(dataDir)).toBe(false);
  });
});
