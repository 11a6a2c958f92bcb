import { pidsMentioning } from './testing/process-scan.js';
import { workloadSpec } from '../workload-spec-defaults.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import { findHostKernel } from '../../test-images/kernel-modules.js';
import { buildVmTestImage, type VmTestImage } from '../../test-images/vm-image.js';
import type { WorkloadDisk, WorkloadHandle, WorkloadNic, WorkloadSpec } from '../driver.js';
import { createQemuDriver, type QemuDriver } from './qemu-driver.js';
import { deviceIds } from './qemu-devices.js';
import { nodeSize } from './qemu-hotplug.js';
import { QemuVm } from './qemu-vm.js';
import { workloadPaths } from './qemu-workload.js';

const tools = [
  'qemu-system-x86_64',
  'qemu-img',
  'qemu-storage-daemon',
  'nsenter',
  'ip',
  'xorriso',
  'mkfs.vfat',
];
const canBoot =
  process.getuid?.() === 0 &&
  tools.every((t) => hasCommand(t)) &&
  existsSync('/bin/busybox') &&
  existsSync('/dev/net/tun') &&
  (await findHostKernel()) !== undefined;

const signal = new AbortController().signal;
const tag = randomBytes(3).toString('hex');
const netns = `strata-qd-${tag}`;
const token = `hello-${tag}`;

const nic = (n: number): WorkloadNic => ({
  portId: `port-${tag}-${n}`,
  networkId: 'net-1',
  mac: `fa:16:3e:${tag.slice(0, 2)}:${tag.slice(2, 4)}:0${n}`,
  mtu: 1400 + n,
  hostName: `tqd${tag}${n}`,
  fixedIps: [],
});
const volumeId = (n: number) => `${tag}00-0000-4000-8000-00000000000${n}`;
const serial = (n: number) => volumeId(n).slice(0, 20);

async function tapInNetns(
  name: string,
): Promise<{ mtu: number; address: string; flags: string[]; master?: string }> {
  const { stdout } = await runCommand('ip', ['-n', netns, '-j', 'link', 'show', 'dev', name]);
  return (JSON.parse(stdout) as { mtu: number; address: string; flags: string[]; master?: string }[])[0]!;
}

// One VM for every case, booted twice (create, then stop/start): TCG boots are the cost.
describe.skipIf(!canBoot)('qemu driver devices (boots the VM test image, NICs in its own netns)', () => {
  let root = '';
  let driver: QemuDriver;
  let image: VmTestImage;
  let h: WorkloadHandle;
  let nbd: ChildProcess | undefined;
  let nbdSocket = '';
  let nbdFile = '';
  let qcow2 = '';

  const spec = (): WorkloadSpec =>
    workloadSpec({
      workloadId: `qd-${tag}`,
      name: 'devices',
      hostname: 'devices',
      kind: 'vm',
      image: {
        id: 'test-image',
        diskFormat: 'qcow2',
        containerFormat: 'bare',
        path: image.path,
        properties: {},
      },
      userData: Buffer.from(`strata-test: mark-disks ${token}\n`).toString('base64'),
      configDrive: true,
      nics: [nic(1)],
    });
  const fileDisk = (): WorkloadDisk => ({
    volumeId: volumeId(1),
    source: qcow2,
    format: 'qcow2',
    readOnly: false,
  });
  const nbdDisk = (): WorkloadDisk => ({
    volumeId: volumeId(2),
    source: `nbd+unix:///vol?socket=${nbdSocket}`,
    format: 'raw',
    readOnly: false,
  });

  const log = async () => (await driver.consoleLog(h)).replaceAll('\r\n', '\n');
  const lines = async (re: RegExp) => [
    ...(await log()).matchAll(new RegExp(`STRATA-TEST-VM: ${re.source}`, 'g')),
  ];

  /** Waits until the console has `n` lines matching `re`; returns the last one's groups. */
  async function waitFor(re: RegExp, n = 1, timeoutMs = 90_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await lines(re);
      if (found.length >= n) return found[n - 1]!;
      if (Date.now() > deadline)
        throw new Error(`no ${n}x ${re.source} within ${timeoutMs} ms:\n${await log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The first 64 bytes of a disk image's data, as the guest wrote them. */
  async function diskHead(file: string, format: 'qcow2' | 'raw'): Promise<string> {
    const raw = join(root, 'head.raw');
    await runCommand('qemu-img', [
      'dd',
      '-f',
      format,
      '-O',
      'raw',
      'bs=64',
      'count=1',
      `if=${file}`,
      `of=${raw}`,
    ]);
    return readFileSync(raw, 'latin1').replace(/\0+$/, '');
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'strata-qd-'));
    await runCommand('ip', ['netns', 'add', netns]);
    await runCommand('ip', ['-n', netns, 'link', 'add', 'br0', 'type', 'bridge']);
    await runCommand('ip', ['-n', netns, 'link', 'set', 'br0', 'up']);
    image = await buildVmTestImage({ cacheDir: join(root, 'images') });
    driver = createQemuDriver(
      { stateDir: join(root, 'state'), cacheDir: join(root, 'cache'), hostNetns: netns },
      { gracefulTimeoutMs: 30_000 },
    );
    qcow2 = join(root, 'vol1.qcow2');
    await runCommand('qemu-img', ['create', '-f', 'qcow2', qcow2, '64M']);
    nbdFile = join(root, 'vol2.raw');
    nbdSocket = join(root, 'nbd.sock');
    await runCommand('qemu-img', ['create', '-f', 'raw', nbdFile, '32M']);
    nbd = spawn(
      'qemu-storage-daemon',
      [
        ...['--blockdev', `driver=file,node-name=f,filename=${nbdFile}`],
        ...['--nbd-server', `addr.type=unix,addr.path=${nbdSocket}`],
        ...['--export', 'type=nbd,id=e,node-name=f,name=vol,writable=on'],
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100 && !existsSync(nbdSocket); i++) await new Promise((r) => setTimeout(r, 50));
  }, 120_000);

  afterAll(async () => {
    for (const w of await driver.list()) await driver.destroy(w.workloadId, signal).catch(() => undefined);
    for (const pid of pidsMentioning(root)) process.kill(pid, 'SIGKILL');
    nbd?.kill('SIGKILL');
    await runCommand('ip', ['netns', 'del', netns]).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it("boots with a NIC whose tap QEMU made in the host netns with the port's MTU; the guest sees the port's MAC", async () => {
    expect(driver.capabilities.deviceAttach).toBe('hot');
    h = await driver.create(spec(), signal);
    await waitFor(/ready/);
    const { mac, mtu, hostName } = nic(1);
    expect(await log()).toContain(`STRATA-TEST-VM: net-add eth0 mac=${mac} mtu=${mtu}`);
    const tap = await tapInNetns(hostName);
    expect(tap).toMatchObject({ mtu, address: `fe${mac.slice(2)}` });
    expect(tap.flags).toContain('UP');
    // Only in the VM's host netns, not the agent's.
    await expect(runCommand('ip', ['link', 'show', 'dev', hostName])).rejects.toThrow();
    // The dataplane can plug it into a bridge there.
    await runCommand('ip', ['-n', netns, 'link', 'set', 'dev', hostName, 'master', 'br0']);
    expect((await tapInNetns(hostName)).master).toBe('br0');
    expect(await driver.devices(h.workloadId)).toEqual([{ kind: 'nic', nic: nic(1) }]);
  });

  it('hot-attaches a second NIC (tap and guest eth1) and detaches it (net-del, tap gone)', async () => {
    await driver.attachDevice(h, { kind: 'nic', nic: nic(2) }, signal);
    await waitFor(new RegExp(`net-add eth1 mac=${nic(2).mac} mtu=${nic(2).mtu}`));
    expect((await tapInNetns(nic(2).hostName)).mtu).toBe(nic(2).mtu);
    await driver.attachDevice(h, { kind: 'nic', nic: nic(2) }, signal);
    expect(await lines(/net-add eth1/)).toHaveLength(1);
    await driver.detachDevice(h, { kind: 'nic', id: nic(2).portId }, signal);
    await waitFor(/net-del eth1/);
    await expect(tapInNetns(nic(2).hostName)).rejects.toThrow();
    expect((await driver.devices(h.workloadId)).map((d) => d.kind)).toEqual(['nic']);
    await driver.detachDevice(h, { kind: 'nic', id: nic(2).portId }, signal);
  });

  it('hot-attaches a qcow2 volume with its id as serial; detach removes it; data written survives a re-attach', async () => {
    const started = Date.now();
    await driver.attachDevice(h, { kind: 'disk', disk: fileDisk() }, signal);
    const [, dev] = await waitFor(new RegExp(`block-add (vd[a-z]+) serial=${serial(1)} size=131072`));
    console.log(`qemu devices: disk attach to guest block-add in ${Date.now() - started} ms`);
    await waitFor(new RegExp(`block-marked ${dev}`));
    await driver.attachDevice(h, { kind: 'disk', disk: fileDisk() }, signal);
    expect(await lines(new RegExp(`block-add \\S+ serial=${serial(1)}`))).toHaveLength(1);
    expect((await driver.devices(h.workloadId)).map((d) => d.kind)).toEqual(['nic', 'disk']);

    await driver.detachDevice(h, { kind: 'disk', id: volumeId(1) }, signal);
    await waitFor(new RegExp(`block-del ${dev}`));
    expect((await driver.devices(h.workloadId)).map((d) => d.kind)).toEqual(['nic']);
    await driver.detachDevice(h, { kind: 'disk', id: volumeId(1) }, signal);
    // QEMU let go of the file: the host reads what the guest wrote.
    expect(await diskHead(qcow2, 'qcow2')).toBe(`STRATA-DATA: ${token}\n`);

    await driver.attachDevice(h, { kind: 'disk', disk: fileDisk() }, signal);
    const [, again] = await waitFor(new RegExp(`block-add (vd[a-z]+) serial=${serial(1)}`), 2);
    await waitFor(new RegExp(`block-data ${again} STRATA-DATA: ${token}`));
  });

  it('grows an attached volume under the running guest (block_resize): the block node and the image grow', async () => {
    const vm = new QemuVm(workloadPaths(join(root, 'state'), h.workloadId), 'qemu-system-x86_64');
    const node = deviceIds({ kind: 'disk', id: volumeId(1) }).backend;
    expect(await nodeSize(vm, node)).toBe(64 * 1024 ** 2);
    await driver.attachDevice(
      h,
      { kind: 'disk', disk: { ...fileDisk(), sizeBytes: 96 * 1024 ** 2 } },
      signal,
    );
    expect(await nodeSize(vm, node)).toBe(96 * 1024 ** 2);
    // Never shrinks; the recorded spec keeps the size for the next boot.
    await driver.attachDevice(
      h,
      { kind: 'disk', disk: { ...fileDisk(), sizeBytes: 64 * 1024 ** 2 } },
      signal,
    );
    expect(await nodeSize(vm, node)).toBe(96 * 1024 ** 2);
    const info = await runCommand('qemu-img', ['info', '-U', '--output=json', qcow2]);
    expect(JSON.parse(info.stdout)['virtual-size']).toBe(96 * 1024 ** 2);
  });

  it('attaches an NBD export (qemu-storage-daemon on a unix socket) the same way', async () => {
    await driver.attachDevice(h, { kind: 'disk', disk: nbdDisk() }, signal);
    const [, dev] = await waitFor(new RegExp(`block-add (vd[a-z]+) serial=${serial(2)} size=65536`));
    await waitFor(new RegExp(`block-marked ${dev}`));
    expect(await diskHead(nbdFile, 'raw')).toBe(`STRATA-DATA: ${token}\n`);
    await driver.detachDevice(h, { kind: 'disk', id: volumeId(2) }, signal);
    await waitFor(new RegExp(`block-del ${dev}`));
  });

  it('stop/start keeps the attached devices, and one attached while stopped comes with the boot', async () => {
    await driver.stop(h, { timeoutMs: 30_000 }, signal);
    await driver.attachDevice(h, { kind: 'disk', disk: nbdDisk() }, signal);
    await driver.start(h, signal);
    await waitFor(/ready/, 2);
    const boot = (await log()).split('STRATA-TEST-VM: booted').at(-1)!;
    expect(boot).toContain(`net-add eth0 mac=${nic(1).mac}`);
    for (const n of [1, 2]) {
      const dev = new RegExp(`block-add (vd[a-z]+) serial=${serial(n)}`).exec(boot)?.[1];
      expect(dev).toBeDefined();
      expect(boot).toContain(`block-data ${dev} STRATA-DATA: ${token}`);
    }
    expect((await tapInNetns(nic(1).hostName)).mtu).toBe(nic(1).mtu);
  });

  it('a guest that does not let go (paused) fails the detach after the timeout; a later detach finishes it', async () => {
    const impatient = createQemuDriver(
      { stateDir: join(root, 'state'), cacheDir: join(root, 'cache'), hostNetns: netns },
      { detachTimeoutMs: 1_500 },
    );
    // A new driver instance (an agent restart) knows the devices from vm.json.
    expect((await impatient.devices(h.workloadId)).map((d) => d.kind)).toEqual(['nic', 'disk', 'disk']);
    await driver.pause(h, signal);
    const detaching = impatient.detachDevice(h, { kind: 'disk', id: volumeId(2) }, signal);
    // While the detach holds QMP, the VM is observed as it is: busy, not crashed.
    const during = await Promise.all([1, 2, 3].map(() => driver.observe(h.workloadId)));
    expect(during.map((o) => o?.power)).toEqual(['paused', 'paused', 'paused']);
    await expect(detaching).rejects.toThrow(/did not release disk .* within 1500 ms/);
    expect((await driver.devices(h.workloadId)).map((d) => d.kind)).toEqual(['nic', 'disk', 'disk']);
    await driver.unpause(h, signal);
    await driver.detachDevice(h, { kind: 'disk', id: volumeId(2) }, signal);
    await waitFor(/block-del vd[a-z]+/, 3);
    expect((await driver.devices(h.workloadId)).map((d) => d.kind)).toEqual(['nic', 'disk']);
  });

  it('destroy removes the tap with the VM', async () => {
    await driver.destroy(h.workloadId, signal);
    await expect(tapInNetns(nic(1).hostName)).rejects.toThrow();
    expect(await driver.devices(h.workloadId)).toEqual([]);
  });
});
