import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import type { WorkloadHandle, WorkloadSpec } from '../driver.js';
import { workloadSpec } from '../workload-spec-defaults.js';
import { mountsUnder } from './rootfs.js';
import { cgroupPathOf } from './runc-bundle.js';
import { RuncDriver } from './runc-driver.js';
import { entryHeader, type MemoryEntry } from './tar-writer.js';
import { layerTar, ociLayoutTarball } from './testing/image-fixtures.js';
import { writeFile } from 'node:fs/promises';

const runnable = process.getuid?.() === 0 && hasCommand('runc') && existsSync('/bin/busybox');
const signal = new AbortController().signal;

/**
 * Each escape a tenant would try, run by the container's own init (so with exactly the
 * confinement a tenant's process gets), one `RESULT <name>=<outcome>` line each.
 * The setuid case: the image's root has an empty password, so `su` works for any process
 * whose effective uid becomes 0 — which a setuid-root copy of busybox gives an ordinary
 * user unless exec ignores set-id bits.
 */
const escapeScript = `
r() { echo "RESULT $1=$2"; }
busybox mknod /tmp/null c 1 3 2>/dev/null && r mknod escaped || r mknod denied
busybox ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1 && r raw-socket escaped || r raw-socket denied
busybox mkdir -p /tmp/m && busybox mount -t tmpfs none /tmp/m 2>/dev/null && r mount escaped || r mount denied
busybox mkdir -p /tmp/suid && busybox cp /bin/busybox /tmp/suid/busybox && busybox chmod 4755 /tmp/suid/busybox
out=$(busybox su -s /bin/sh app -c '/tmp/suid/busybox su -c "busybox id -u" root' 2>&1 </dev/null)
[ "$out" = 0 ] && r setuid escaped || r setuid denied
r whoami "$(busybox id -u)"
echo "RESULT done"
while :; do busybox sleep 1; done
`;

/** A fork bomb that never stops, beside an init that keeps the container up. */
const bombScript = `
bomb() { bomb | bomb & }
echo "BOMB start"
bomb
while :; do busybox sleep 1; done
`;

/** A minimal image: busybox, /bin/sh, and a passwd with a password-less root and a user. */
function escapeImage(script: string): Buffer {
  const dir = (path: string, mode = 0o755): MemoryEntry => ({
    header: entryHeader(`${path}/`, 'directory', { mode }),
  });
  const file = (path: string, body: string | Buffer, mode = 0o644): MemoryEntry => ({
    header: entryHeader(path, 'file', { mode, size: Buffer.byteLength(body) }),
    body: Buffer.from(body),
  });
  const layer = layerTar([
    ...['bin', 'dev', 'etc', 'mnt', 'proc', 'root', 'sys'].map((d) => dir(d)),
    dir('tmp', 0o1777),
    file('bin/busybox', readFileSync('/bin/busybox'), 0o755),
    { header: entryHeader('bin/sh', 'symlink', { linkname: 'busybox' }) },
    file('etc/passwd', 'root::0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/tmp:/bin/sh\n'),
    file('etc/group', 'root:x:0:\napp:x:1000:\n'),
    file('init.sh', script, 0o755),
  ]);
  return ociLayoutTarball([layer], ['/bin/sh', '/init.sh']);
}

describe.skipIf(!runnable)('runc confinement (escapes from a real container)', () => {
  let base = '';
  let driver: RuncDriver;
  const images: Record<string, string> = {};

  const specOf = (image: string, over: Partial<WorkloadSpec> = {}): WorkloadSpec =>
    workloadSpec({
      workloadId: `strata-confine-${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
      kind: 'container',
      hostname: 'confined',
      memoryMb: 64,
      image: {
        id: image,
        diskFormat: 'raw',
        containerFormat: 'docker',
        path: images[image]!,
        properties: {},
      },
      ...over,
    });

  const waitForLog = async (h: WorkloadHandle, pattern: RegExp, timeoutMs = 15_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = await driver.consoleLog(h);
      if (pattern.test(log)) return log;
      if (Date.now() > deadline) throw new Error(`console log never matched ${pattern}:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'strata-confine-'));
    for (const [name, script] of [
      ['escapes', escapeScript],
      ['bomb', bombScript],
    ] as const) {
      images[name] = join(base, `${name}.tar`);
      await writeFile(images[name], escapeImage(script));
    }
    driver = new RuncDriver({
      stateDir: join(base, 'state'),
      cacheDir: join(base, 'cache'),
      gracefulStopMs: 2_000,
    });
  });

  afterAll(async () => {
    if (!base) return;
    for (const w of await driver.list()) await driver.destroy(w.workloadId, signal);
    const left = await mountsUnder(base);
    rmSync(base, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  it('denies mknod, raw sockets, mount and setuid privilege to the container, whose root is not host root', async () => {
    const h = await driver.create(specOf('escapes'), signal);
    const log = await waitForLog(h, /RESULT done/);
    const results = Object.fromEntries([...log.matchAll(/^RESULT (\S+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(results).toEqual({
      mknod: 'denied',
      'raw-socket': 'denied',
      mount: 'denied',
      setuid: 'denied',
      whoami: '0',
    });
    // Root inside is an unprivileged id on the host.
    const { pid } = JSON.parse(
      (await runCommand('runc', ['--root', join(base, 'state', '.runc'), 'state', h.workloadId])).stdout,
    ) as { pid: number };
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    expect(Number(/^Uid:\s+(\d+)/m.exec(status)?.[1])).toBeGreaterThanOrEqual(65_536);
    // Filtered by seccomp (mode 2), no new privileges, and no raw-socket capability at all.
    expect(status).toMatch(/^Seccomp:\s+2$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    const bounding = BigInt(`0x${/^CapBnd:\s+([0-9a-f]+)$/m.exec(status)?.[1] ?? '0'}`);
    const capNetRaw = 13n;
    expect((bounding >> capNetRaw) & 1n).toBe(0n);
    await driver.destroy(h.workloadId, signal);
  });

  it('keeps a fork bomb inside its pids limit: the host and another container carry on', async () => {
    const other = await driver.create(specOf('escapes'), signal);
    await waitForLog(other, /RESULT done/);
    const pidsMax = 64;
    const bomb = await driver.create(
      specOf('bomb', { extraSpecs: { 'quota:pids_max': String(pidsMax) } }),
      signal,
    );
    await waitForLog(bomb, /BOMB start/);
    const cgroup = cgroupPathOf(bomb.workloadId);
    const v1 = join('/sys/fs/cgroup/pids', cgroup);
    const pidsFile = (name: string) =>
      readFile(join(existsSync(v1) ? v1 : join('/sys/fs/cgroup', cgroup), name), 'utf8');
    // pids.events counts the forks the limit refused: the bomb has hit the wall.
    const refused = async () => Number(/^max (\d+)/m.exec(await pidsFile('pids.events'))?.[1] ?? 0);
    const deadline = Date.now() + 10_000;
    while ((await refused()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await refused()).toBeGreaterThan(0);
    expect(Number(await pidsFile('pids.current'))).toBeLessThanOrEqual(pidsMax);
    // The host still starts processes at once, and the other container still runs.
    const t0 = performance.now();
    await runCommand('true', []);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect((await driver.observe(other.workloadId))?.power).toBe('running');
    const t1 = performance.now();
    await driver.destroy(bomb.workloadId, signal);
    expect(performance.now() - t1).toBeLessThan(10_000);
    expect((await driver.observe(other.workloadId))?.power).toBe('running');
  }, 60_000);
});
