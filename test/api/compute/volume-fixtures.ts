import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createImage } from '../../support/compute-fixtures.js';
import type { TestCloud } from '../../support/test-cloud.js';
import type { Method, Personas } from './compute-api-fixtures.js';

/** An empty 16 MiB qcow2 uploaded as an image, for volumes made from an image (needs qemu-img). */
export async function createQcow2Image(t: TestCloud, token: string, name: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-qcow2-'));
  try {
    const file = join(dir, 'disk.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, '16M']);
    return await createImage(t, token, name, readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The member's block storage calls, at `version` when given. */
export function memberVolumeCaller(t: () => TestCloud, p: () => Personas, version?: string) {
  return (method: Method, path: string, payload?: object) =>
    t().request({
      method,
      url: `/volume/v3/${p().projectId}${path}`,
      token: p().member,
      ...(version !== undefined && { headers: { 'openstack-api-version': `volume ${version}` } }),
      ...(payload !== undefined && { payload }),
    });
}

type VolumeCall = ReturnType<typeof memberVolumeCaller>;

/** A volume's status, or `gone` once it is deleted. */
export async function volumeStatus(vol: VolumeCall, id: string): Promise<string> {
  const res = await vol('GET', `/volumes/${id}`);
  return res.statusCode === 404 ? 'gone' : String(res.json().volume.status);
}

export async function waitForVolume(vol: VolumeCall, id: string, status: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while ((await volumeStatus(vol, id)) !== status) {
    if (Date.now() > until) throw new Error(`volume ${id} never ${status}: ${await volumeStatus(vol, id)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
