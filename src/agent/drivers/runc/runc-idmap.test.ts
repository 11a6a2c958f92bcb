import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allocateIdMap, containerIdOf, hostIdOf, rangeSize, shiftOwners } from './runc-idmap.js';

describe('user namespace id ranges', () => {
  it('takes the lowest free slot above the base', () => {
    const base = 2 ** 28;
    expect(allocateIdMap(base, [])).toEqual({ hostId: base, size: rangeSize });
    expect(allocateIdMap(base, [base, base + 2 * rangeSize])).toEqual({
      hostId: base + rangeSize,
      size: rangeSize,
    });
  });

  it('never maps past the last valid id', () => {
    const base = 2 ** 32 - 3 * rangeSize;
    const taken = [base, base + rangeSize];
    expect(() => allocateIdMap(base, taken)).toThrow(/in use/);
  });

  it('translates ids both ways', () => {
    const m = { hostId: 1_000_000, size: rangeSize };
    expect(hostIdOf(m, 0)).toBe(1_000_000);
    expect(hostIdOf(m, 1_000_005)).toBe(1_000_005);
    expect(containerIdOf(m, 1_000_005)).toBe(5);
    expect(containerIdOf(m, 2_000_000)).toBe(65_534);
  });
});

describe.skipIf(process.getuid?.() !== 0)('shiftOwners', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-idmap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every file its mapped owner, keeps set-id bits, and is idempotent', async () => {
    const m = { hostId: 3_000_000, size: rangeSize };
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'su'), '');
    chmodSync(join(dir, 'bin', 'su'), 0o4755);
    symlinkSync('su', join(dir, 'bin', 'link'));
    await shiftOwners(dir, m);
    await shiftOwners(dir, m);
    const st = statSync(join(dir, 'bin', 'su'));
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([3_000_000, 3_000_000, 0o4755]);
    expect(statSync(join(dir, 'bin')).uid).toBe(3_000_000);
  });
});
