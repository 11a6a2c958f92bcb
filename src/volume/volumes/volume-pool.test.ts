import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../agent/host/command.js';
import { VolumePool } from './volume-pool.js';

const skip = hasCommand('qemu-img') && hasCommand('qemu-io') ? false : 'qemu-img or qemu-io is not installed';

describe.skipIf(skip)('volume-pool', () => {
  let dir: string;
  let pool: VolumePool;
  const write = (id: string, pattern: number, offset: string) =>
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P ${pattern} ${offset} 64k`, pool.pathOf(id)]);
  /** Whether the volume reads `pattern` at `offset` (qemu-io read -P fails on a mismatch). */
  const reads = (path: string, pattern: number, offset: string): boolean => {
    try {
      const args = ['-f', 'qcow2', '-r', '-c', `read -P ${pattern} ${offset} 64k`, path];
      return !execFileSync('qemu-io', args, { encoding: 'utf8', stdio: 'pipe' }).includes(
        'verification failed',
      );
    } catch {
      return false;
    }
  };
  const files = () => readdirSync(pool.dir).sort();
  const info = (path: string) =>
    JSON.parse(
      execFileSync('qemu-img', ['info', '-U', '--output=json', path], { encoding: 'utf8' }),
    ) as Record<string, unknown>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-pool-'));
    pool = new VolumePool(join(dir, 'volumes'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('snapshots by freezing the file under an overlay and serves volumes from the snapshot', async () => {
    await pool.create('v1', 1);
    write('v1', 0xa1, '0');
    await pool.snapshot('v1', 's1');
    await pool.snapshot('v1', 's1'); // replay after a crash is a no-op
    write('v1', 0xb2, '0');
    expect(info(pool.pathOf('v1'))['backing-filename']).toBe('snapshot-s1.qcow2');
    await pool.fromSnapshot('v2', 's1', 2);
    expect(reads(pool.pathOf('v2'), 0xa1, '0')).toBe(true);
    expect(reads(pool.pathOf('v1'), 0xb2, '0')).toBe(true);
    expect(reads(pool.pathOf('v1'), 0xa1, '0')).toBe(false);
    expect(info(pool.pathOf('v2'))['virtual-size']).toBe(2 * 1024 ** 3);
  });

  it('deletes a snapshot by merging it into every file that reads it', async () => {
    await pool.removeSnapshot('s1');
    expect(files()).toEqual(['v1.qcow2', 'v2.qcow2']);
    expect(reads(pool.pathOf('v2'), 0xa1, '0')).toBe(true);
    expect(reads(pool.pathOf('v1'), 0xb2, '0')).toBe(true);
    expect(info(pool.pathOf('v2'))['backing-filename']).toBeUndefined();
    await pool.removeSnapshot('s1');
  });

  it('clones copy-on-write over a hidden base, removed with the last volume reading it', async () => {
    write('v1', 0xc3, '1M');
    await pool.clone('c1', 'v1', 1, false);
    write('v1', 0xd4, '1M');
    expect(reads(pool.pathOf('c1'), 0xc3, '1M')).toBe(true);
    expect(reads(pool.pathOf('v1'), 0xd4, '1M')).toBe(true);
    expect(files()).toEqual(['base-c1.qcow2', 'c1.qcow2', 'v1.qcow2', 'v2.qcow2']);
    await pool.remove('c1');
    expect(files()).toContain('base-c1.qcow2');
    await pool.remove('v1');
    expect(files()).toEqual(['v2.qcow2']);
  });

  it('copies a volume that is open (live) into a standalone file of the asked size', async () => {
    await pool.clone('c2', 'v2', 3, true);
    expect(info(pool.pathOf('c2'))['backing-filename']).toBeUndefined();
    expect(info(pool.pathOf('c2'))['virtual-size']).toBe(3 * 1024 ** 3);
    expect(reads(pool.pathOf('c2'), 0xa1, '0')).toBe(true);
    await pool.snapshotInUse('c2', 's2');
    expect(reads(join(pool.dir, 'snapshot-s2.qcow2'), 0xa1, '0')).toBe(true);
    expect(info(pool.pathOf('c2'))['backing-filename']).toBeUndefined();
  });
});
