import { afterEach, describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../drivers/driver.js';
import { MetadataServer } from './metadata-server.js';

const spec = {
  workloadId: '11111111-2222-4333-8444-555555555555',
  name: 'web',
  hostname: 'web',
  image: { id: 'img', diskFormat: null, containerFormat: null, properties: {} },
  projectId: 'p',
  availabilityZone: null,
  launchIndex: 0,
  userData: null,
  metadata: {},
  keyName: null,
  keyData: null,
  nics: [],
} as unknown as WorkloadSpec;

// Over loopback: the listener's address stands for the network's metadata address.
// A port per test: fetch keeps connections to the last test's listener alive.
let port = 30000 + Math.floor(Math.random() * 20000);
let server: MetadataServer | undefined;
afterEach(async () => {
  await server?.close();
  port += 1;
});

describe('metadata server', () => {
  it('answers the instance that owns (network, source address), and 404 to anyone else', async () => {
    const asked: string[] = [];
    server = new MetadataServer(async (net, ip) => {
      asked.push(`${net} ${ip}`);
      return net === 'net-a' && ip === '127.0.0.1' ? spec : undefined;
    }, port);
    await server.serve('net-a', '127.0.0.1');
    await server.serve('net-b', '127.0.0.2');
    const a = await fetch(`http://127.0.0.1:${port}/openstack/latest/meta_data.json`);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/json');
    expect(await a.json()).toMatchObject({ uuid: spec.workloadId });
    // The same source on another network's address is not that instance.
    expect((await fetch(`http://127.0.0.2:${port}/openstack/latest/meta_data.json`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/openstack/latest/user_data`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/latest/meta-data/`, { method: 'POST' })).status).toBe(404);
    expect(asked).toEqual(['net-a 127.0.0.1', 'net-b 127.0.0.1', 'net-a 127.0.0.1']);
  });

  it('hides a failing lookup behind a bare 500', async () => {
    server = new MetadataServer(async () => {
      throw new Error('/var/lib/strata/secret.db is locked');
    }, port);
    await server.serve('net-a', '127.0.0.1');
    const r = await fetch(`http://127.0.0.1:${port}/openstack/latest/meta_data.json`);
    expect(r.status).toBe(500);
    expect(await r.text()).not.toContain('/var/lib');
  });

  it('stops listening when a network is no longer served', async () => {
    server = new MetadataServer(async () => spec, port);
    await server.serve('net-a', '127.0.0.1');
    await server.unserve('net-a');
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
