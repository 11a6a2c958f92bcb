import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliCloud } from '../support/cli-cloud.js';
import { HttpClient } from '../support/http-client.js';
import { type OpenStackCli, openstackCliAvailable } from '../support/openstack-cli.js';
import type { StrataProcess } from '../support/strata-process.js';
import { builtCliAvailable, startStrata, strataBin } from '../support/strata-process.js';

const ready = openstackCliAvailable() && builtCliAvailable();

/** `strata agent` as its own process, against the control plane's URL with the clouds.yaml credential. */
function startAgentProcess(
  cloudsYaml: string,
  dataDir: string,
  hostname = 'remote-1',
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [strataBin, 'agent', '--clouds-yaml', cloudsYaml, '--cloud', 'strata', '--hostname', hostname].concat([
      '--data-dir',
      dataDir,
      '--compute-driver',
      'fake',
      '--log-file',
      join(dataDir, 'agent.log'),
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`strata agent did not start:\n${err}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('is serving')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`strata agent exited with ${code}:\n${err}`));
    });
  });
}

describe.skipIf(!ready)('strata agent on its own, against strata up over HTTP', () => {
  let strata: StrataProcess;
  let agent: ChildProcess;
  let agentDir: string;
  let cli: OpenStackCli;
  const waitFor = async (name: string, status: string) => {
    let s: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      s = await cli.json('admin', ['server', 'show', name]);
      if (s['status'] === status && s['OS-EXT-STS:task_state'] === null) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} never reached ${status}: ${JSON.stringify(s)}`);
  };

  beforeAll(async () => {
    // A control plane with no host of its own: every server must go to the remote agent.
    ({ strata, cli } = await startCliCloud({ env: { STRATA_COMPUTE_DRIVER: 'none' } }));
    agentDir = mkdtempSync(join(tmpdir(), 'strata-agent-'));
    agent = await startAgentProcess(join(strata.dataDir, 'clouds.yaml'), agentDir);
  });
  afterAll(async () => {
    if (agent && agent.exitCode === null) agent.kill('SIGKILL');
    if (strata) {
      await strata.stop();
      await strata.cleanup();
    }
    if (agentDir) rmSync(agentDir, { recursive: true, force: true });
  });

  it('registers the host, which then shows as a hypervisor', async () => {
    const hypervisors = await cli.json<Array<Record<string, unknown>>>('admin', ['hypervisor', 'list']);
    expect(hypervisors.map((h) => h['Hypervisor Hostname'])).toContain('remote-1');
  });

  it('runs a server created through the API, fetching its image over HTTP', async () => {
    const s = await cli.json('admin', [
      'server',
      'create',
      '--image',
      'strata-test-fake',
      '--flavor',
      'm1.tiny',
      '--wait',
      'remote-server',
    ]);
    expect(s).toMatchObject({ status: 'ACTIVE', 'OS-EXT-SRV-ATTR:host': 'remote-1' });
    const image = await cli.json('admin', ['image', 'show', 'strata-test-fake']);
    expect(existsSync(join(agentDir, 'images', String(image['id'])))).toBe(true);
  });

  it('serves the console log from the remote host', async () => {
    expect(await cli.ok('admin', ['console', 'log', 'show', 'remote-server'])).toContain(
      '[fake] remote-server booted',
    );
  });

  it('attaches and detaches a disk on the remote host (device notices and outcomes over HTTP)', async () => {
    const http = new HttpClient(strata.url);
    await http.login(strata);
    const id = String((await cli.json('admin', ['server', 'show', 'remote-server']))['id']);
    const url = `/compute/agent/v1/servers/${id}/devices`;
    const disk = {
      volumeId: 'remote-vol',
      source: '/srv/remote-vol.qcow2',
      format: 'qcow2',
      readOnly: false,
    };
    expect((await http.call('PUT', `${url}/disk/remote-vol`, { disk })).status).toBe(202);
    const settled = async (check: (d: Array<{ status: string }>) => boolean) => {
      for (let i = 0; i < 200; i++) {
        const all = (await http.call<{ devices: Array<{ kind: string; status: string }> }>('GET', url)).json
          .devices;
        // The server's NIC on the default `private` network is listed too; this is about the disk.
        if (check(all.filter((d) => d.kind === 'disk'))) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the device never settled');
    };
    await settled((d) => d.length === 1 && d[0]!.status === 'attached');
    expect(await cli.ok('admin', ['console', 'log', 'show', 'remote-server'])).toContain(
      '[fake] disk remote-vol attached',
    );
    expect((await http.call('DELETE', `${url}/disk/remote-vol`)).status).toBe(202);
    await settled((d) => d.length === 0);
    expect(await cli.ok('admin', ['console', 'log', 'show', 'remote-server'])).toContain(
      '[fake] disk remote-vol detached',
    );
  });

  it('stops, starts and deletes it, woken by change notices', async () => {
    await cli.ok('admin', ['server', 'stop', 'remote-server']);
    await waitFor('remote-server', 'SHUTOFF');
    await cli.ok('admin', ['server', 'start', 'remote-server']);
    await waitFor('remote-server', 'ACTIVE');
    await cli.ok('admin', ['server', 'delete', '--wait', 'remote-server']);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => agent.once('exit', (code) => r(code)));
    agent.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('waits for a control plane that is down when it starts, and registers once it is back', async () => {
    const port = new URL(strata.url).port;
    await strata.stop();
    const laterDir = mkdtempSync(join(tmpdir(), 'strata-agent-'));
    try {
      const starting = startAgentProcess(join(strata.dataDir, 'clouds.yaml'), laterDir, 'remote-2');
      // Before the fix the agent exited 1 at once ("fetch failed"); now it keeps trying.
      await new Promise((r) => setTimeout(r, 2000));
      strata = await startStrata({
        dataDir: strata.dataDir,
        extraArgs: ['--port', port],
        env: { STRATA_COMPUTE_DRIVER: 'none' },
      });
      const later = await starting;
      const hypervisors = await cli.json<Array<Record<string, unknown>>>('admin', ['hypervisor', 'list']);
      expect(hypervisors.map((h) => h['Hypervisor Hostname'])).toContain('remote-2');
      const exited = new Promise<number | null>((r) => later.once('exit', (code) => r(code)));
      later.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      rmSync(laterDir, { recursive: true, force: true });
    }
  });
});
