import { workloadSpec } from '../workload-spec-defaults.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, runCommand } from '../../host/command.js';
import { deleteNetns, netnsPath } from '../../host/netns.js';
import { buildContainerTestImage } from '../../test-images/container-image.js';
import type { WorkloadDisk, WorkloadNic, WorkloadSpec } from '../driver.js';
import { mountsUnder } from './rootfs.js';
import { RuncDriver } from './runc-driver.js';
import { netnsNameOf } from './runc-nics.js';
import { cgroupPathOf } from './runc-bundle.js';
import { blkioMount, deviceNumberOf, throttleOf } from './runc-volume-blkio.js';
import { execDetached, execInContainer } from './testing/container-exec.js';

const runnable =
  process.getuid?.() === 0 && hasCommand('runc') && hasCommand('ip') && existsSync('/bin/busybox');
const signal = new AbortController().signal;
const blkio = await blkioMount().catch(() => undefined);

describe.skipIf(!runnable)('runc driver devices (real veths, network namespaces, bind mounts)', () => {
  const tag = Math.random().toString(36).slice(2, 8);
  /** The test's own "host" namespace: a bridge with an address, where the NICs' host ends go. */
  const hostNs = `strata-test-${process.pid}-${tag}`;
  const hostName = (i: number) => `sv${tag}${i}`; // at most 15 bytes
  const subnet = '10.231.0';
  let base = '';
  let stateDir = '';
  let cacheDir = '';
  let imagePath = '';
  let driver: RuncDriver;
  let seq = 0;

  const nicOf = (i: number): WorkloadNic => ({
    portId: `port-${i}`,
    networkId: 'net-1',
    mac: `fa:16:3e:00:00:${(16 + i).toString(16)}`,
    mtu: 1400,
    hostName: hostName(i),
    fixedIps: [
      {
        subnetId: 'subnet-1',
        ipAddress: `${subnet}.${10 + i}`,
        cidr: `${subnet}.0/24`,
        gateway: `${subnet}.1`,
        dhcp: false,
        dnsNameservers: [],
        hostRoutes: [],
      },
    ],
  });
  /** An empty volume (a sparse raw file, or qcow2 as block storage's pool makes them). */
  const diskOf = async (
    name: string,
    format: 'raw' | 'qcow2' = 'raw',
    readOnly = false,
  ): Promise<WorkloadDisk> => {
    const source = join(base, `${name}.${format}`);
    await runCommand('qemu-img', ['create', '-q', '-f', format, source, '32M']);
    return { volumeId: `vol-${name}`, source, format, readOnly, deviceName: '/dev/vdb' };
  };
  const loopsOn = async (file: string) =>
    (await runCommand('losetup', ['-n', '-O', 'NAME', '-j', file])).stdout.trim();
  const specOf = (over: Partial<WorkloadSpec> = {}): WorkloadSpec =>
    workloadSpec({
      workloadId: `strata-dev-${process.pid}-${++seq}-${tag}`,
      name: 'device test',
      hostname: 'dev-1',
      kind: 'container',
      memoryMb: 64,
      image: {
        id: 'busybox-test',
        diskFormat: 'raw',
        containerFormat: 'docker',
        path: imagePath,
        properties: {},
      },
      availabilityZone: 'nova',
      configDrive: true,
      ...over,
    });
  const exec = (id: string, script: string) => execInContainer(join(stateDir, '.runc'), id, script);
  const ipHost = (...args: string[]) => runCommand('ip', ['-n', hostNs, ...args], { timeoutMs: 10_000 });
  /** Real packets: from the bridge's address in the test's namespace to the container. */
  const pingFromHost = async (addr: string) => {
    for (let i = 0; ; i++) {
      try {
        return await runCommand(
          'ip',
          ['netns', 'exec', hostNs, '/bin/busybox', 'ping', '-c', '1', '-W', '2', addr],
          {
            timeoutMs: 10_000,
          },
        );
      } catch (err) {
        if (i >= 2) throw err;
      }
    }
  };
  const inContainer = async (id: string, ifName: string) => {
    const { stdout } = await exec(
      id,
      `cat /sys/class/net/${ifName}/address /sys/class/net/${ifName}/mtu; ip -4 addr show dev ${ifName}`,
    );
    return stdout;
  };

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'strata-runc-dev-'));
    stateDir = join(base, 'state');
    cacheDir = join(base, 'cache');
    imagePath = (await buildContainerTestImage(join(base, 'images'))).path;
    await runCommand('ip', ['netns', 'add', hostNs]);
    await ipHost('link', 'set', 'lo', 'up');
    await ipHost('link', 'add', 'br0', 'type', 'bridge');
    await ipHost('addr', 'add', `${subnet}.1/24`, 'dev', 'br0');
    await ipHost('link', 'set', 'br0', 'up');
    driver = new RuncDriver({ stateDir, cacheDir, gracefulStopMs: 5_000, hostNetns: hostNs });
  });

  afterEach(async () => {
    for (const w of await driver.list()) await driver.destroy(w.workloadId, signal);
  });

  afterAll(async () => {
    if (!base) return;
    for (const w of await driver.list()) await driver.destroy(w.workloadId, signal);
    await deleteNetns(hostNs);
    const left = await mountsUnder(base);
    rmSync(base, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  it('plugs a NIC: eth0 inside with the port MAC, MTU and address, host end in hostNetns, packets flow', async () => {
    const nic = nicOf(0);
    const h = await driver.create(specOf({ nics: [nic] }), signal);
    const config = JSON.parse(readFileSync(join(stateDir, h.workloadId, 'config.json'), 'utf8'));
    expect(config.linux.namespaces).toContainEqual({
      type: 'network',
      path: netnsPath(netnsNameOf(h.workloadId)),
    });

    const inside = await inContainer(h.workloadId, 'eth0');
    expect(inside).toMatch(new RegExp(`^${nic.mac}\\n1400\\n`));
    expect(inside).toContain(`inet ${subnet}.10/24`);
    expect((await exec(h.workloadId, 'ip route')).stdout).toMatch(
      new RegExp(`default via ${subnet}.1 dev eth0 +metric 100`),
    );
    // Loopback is up in the named namespace (no ping: the container has no raw sockets).
    expect((await exec(h.workloadId, 'ip -o link show lo')).stdout).toMatch(/[<,]UP[,>]/);

    const [hostEnd] = JSON.parse((await ipHost('-j', 'link', 'show', 'dev', nic.hostName)).stdout);
    expect(hostEnd).toMatchObject({
      mtu: 1400,
      operstate: expect.stringMatching(/UP|LOWERLAYERDOWN|UNKNOWN/),
    });
    await expect(runCommand('ip', ['link', 'show', 'dev', nic.hostName])).rejects.toThrow(/does not exist/);

    await ipHost('link', 'set', nic.hostName, 'master', 'br0');
    expect((await pingFromHost(`${subnet}.10`)).stdout).toMatch(/1 packets received/);
    // And out of the container: a TCP connection to a listener on the bridge's address.
    const listener = spawn('ip', ['netns', 'exec', hostNs, '/bin/busybox', 'nc', '-l', '-p', '7777'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const heard = new Promise<string>((resolve) => {
      let got = '';
      listener.stdout.on('data', (b: Buffer) => (got += b.toString()));
      listener.on('close', () => resolve(got));
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      await exec(h.workloadId, `echo from-container | nc -w 2 ${subnet}.1 7777`);
      expect(await heard).toBe('from-container\n');
    } finally {
      listener.kill();
    }
    expect(await driver.devices(h.workloadId)).toEqual([{ kind: 'nic', nic }]);
  });

  it('hot-attaches a NIC to the running container and detaches it, idempotently', async () => {
    const h = await driver.create(specOf({ nics: [nicOf(0)] }), signal);
    const second = nicOf(1);
    const t0 = performance.now();
    await driver.attachDevice(h, { kind: 'nic', nic: second }, signal);
    console.log(`runc NIC hot attach: ${(performance.now() - t0).toFixed(0)} ms`);
    await driver.attachDevice(h, { kind: 'nic', nic: second }, signal); // attached already: resolves
    const sameHostEnd = { ...nicOf(5), hostName: second.hostName };
    await expect(driver.attachDevice(h, { kind: 'nic', nic: sameHostEnd }, signal)).rejects.toThrow(
      /two NICs have the host name/,
    );
    const inside = await inContainer(h.workloadId, 'eth1');
    expect(inside).toMatch(new RegExp(`^${second.mac}\\n1400\\n`));
    expect(inside).toContain(`inet ${subnet}.11/24`);
    // A default route per NIC; eth0's (lower metric) is the one used.
    expect((await exec(h.workloadId, 'ip route')).stdout).toMatch(
      new RegExp(`default via ${subnet}.1 dev eth1 +metric 101`),
    );
    expect((await exec(h.workloadId, 'ip route get 192.0.2.1')).stdout).toMatch(/dev eth0/);
    await ipHost('link', 'show', 'dev', second.hostName);
    expect((await driver.devices(h.workloadId)).map((d) => d.kind === 'nic' && d.nic.portId)).toEqual([
      'port-0',
      'port-1',
    ]);

    await driver.detachDevice(h, { kind: 'nic', id: 'port-1' }, signal);
    await driver.detachDevice(h, { kind: 'nic', id: 'port-1' }, signal); // not attached: resolves
    await expect(exec(h.workloadId, 'test -e /sys/class/net/eth1')).rejects.toThrow();
    await expect(ipHost('link', 'show', 'dev', second.hostName)).rejects.toThrow(/does not exist/);
    await inContainer(h.workloadId, 'eth0');
    expect(await driver.devices(h.workloadId)).toEqual([{ kind: 'nic', nic: nicOf(0) }]);

    // The freed name is reused, so a re-attached NIC comes back as eth1.
    await driver.attachDevice(h, { kind: 'nic', nic: nicOf(2) }, signal);
    expect(await inContainer(h.workloadId, 'eth1')).toMatch(new RegExp(`^${nicOf(2).mac}\\n`));

    // Someone removed the namespace's name under the running container: refused, not plugged elsewhere.
    await deleteNetns(netnsNameOf(h.workloadId));
    await expect(driver.attachDevice(h, { kind: 'nic', nic: nicOf(3) }, signal)).rejects.toThrow(
      /was removed while it runs; restart it/,
    );
  });

  it('mounts a volume as a filesystem in the running container, formatted once; it moves to a second container with its files', async () => {
    const h = await driver.create(specOf(), signal);
    const disk = await diskOf('rw', 'qcow2');
    await driver.attachDevice(h, { kind: 'disk', disk }, signal);
    await driver.attachDevice(h, { kind: 'disk', disk }, signal);
    const path = `/mnt/volumes/${disk.volumeId}`;
    expect((await exec(h.workloadId, `grep ' ${path} ' /proc/mounts`)).stdout).toMatch(
      / ext4 rw,nosuid,nodev/,
    );
    // The container's root owns the filesystem (also in a user namespace).
    expect((await exec(h.workloadId, `stat -c %u:%g ${path}`)).stdout).toBe('0:0\n');
    await exec(
      h.workloadId,
      `echo from-guest > ${path}/note.txt && chown 1000:1000 ${path}/note.txt && sync`,
    );
    // The directory itself is read-only inside: the guest cannot plant a link where the host mounts.
    await expect(exec(h.workloadId, 'ln -s /etc /mnt/volumes/vol-x')).rejects.toThrow(
      /Read-only file system/,
    );

    const ro = await diskOf('ro', 'raw', true);
    await runCommand('mkfs.ext4', ['-q', ro.source]);
    await driver.attachDevice(h, { kind: 'disk', disk: ro }, signal);
    await expect(exec(h.workloadId, `touch /mnt/volumes/${ro.volumeId}/x`)).rejects.toThrow(
      /Read-only file system/,
    );

    // Busy: a process inside keeps a file open; the detach is lazy and still resolves.
    await execDetached(
      join(stateDir, '.runc'),
      h.workloadId,
      `exec >/dev/null 2>&1 3<${path}/note.txt; sleep 30`,
    );
    await new Promise((r) => setTimeout(r, 200));
    await driver.detachDevice(h, { kind: 'disk', id: disk.volumeId }, signal);
    await driver.detachDevice(h, { kind: 'disk', id: ro.volumeId }, signal);
    await driver.detachDevice(h, { kind: 'disk', id: ro.volumeId }, signal);
    await expect(exec(h.workloadId, `test -e ${path}`)).rejects.toThrow();
    await expect(exec(h.workloadId, `test -e /mnt/volumes/${ro.volumeId}`)).rejects.toThrow();
    const volumes = join(stateDir, h.workloadId, 'volumes');
    expect(await mountsUnder(volumes)).toEqual([volumes]);
    expect(await loopsOn(ro.source)).toBe('');
    expect(await driver.devices(h.workloadId)).toEqual([]);
    await driver.destroy(h.workloadId, signal);

    // A second container gets the same volume: the file written by the first, its uid kept.
    const h2 = await driver.create(specOf(), signal);
    await driver.attachDevice(h2, { kind: 'disk', disk }, signal);
    expect((await exec(h2.workloadId, `cat ${path}/note.txt`)).stdout).toBe('from-guest\n');
    expect((await exec(h2.workloadId, `stat -c %u ${path}/note.txt`)).stdout).toBe('1000\n');
    await driver.destroy(h2.workloadId, signal);
    expect(await mountsUnder(join(stateDir, h2.workloadId))).toEqual([]);
  });

  it.skipIf(blkio === undefined)(
    "limits a volume's loop device in the container's blkio cgroup: from start, on a QoS change, lifted at detach",
    async () => {
      const disk = {
        ...(await diskOf('qos', 'qcow2')),
        qos: { read_bytes_sec: 1048576, write_iops_sec: 30 },
      };
      const h = await driver.create(specOf({ disks: [disk] }), signal);
      const cgroup = join(blkio!, cgroupPathOf(h.workloadId));
      const loop = await loopsOn(join(stateDir, h.workloadId, 'volumes-staging', `${disk.volumeId}.raw`));
      const devnum = await deviceNumberOf(loop);
      const rule = (file: 'read_bps_device' | 'write_iops_device' | 'write_bps_device') =>
        throttleOf(cgroup, file, devnum);
      expect([await rule('read_bps_device'), await rule('write_iops_device')]).toEqual([1048576, 30]);
      // The type's QoS changed: the attached volume is asked for again with the new limits.
      await driver.attachDevice(
        h,
        { kind: 'disk', disk: { ...disk, qos: { write_bytes_sec: 2097152 } } },
        signal,
      );
      expect([
        await rule('read_bps_device'),
        await rule('write_iops_device'),
        await rule('write_bps_device'),
      ]).toEqual([0, 0, 2097152]);
      // A restart makes a new cgroup: the recorded limits are written again.
      await driver.stop(h, { timeoutMs: 5_000 }, signal);
      await driver.start(h, signal);
      expect(await rule('write_bps_device')).toBe(2097152);
      await driver.detachDevice(h, { kind: 'disk', id: disk.volumeId }, signal);
      expect(await rule('write_bps_device')).toBe(0);
      await driver.destroy(h.workloadId, signal);
    },
  );

  it('refuses NBD exports with the reason, and a failed create leaves nothing behind', async () => {
    const h = await driver.create(specOf(), signal);
    const nbd: WorkloadDisk = {
      volumeId: 'vol-nbd',
      source: 'nbd://127.0.0.1:10809/x',
      format: 'raw',
      readOnly: false,
    };
    await expect(driver.attachDevice(h, { kind: 'disk', disk: nbd }, signal)).rejects.toThrow(
      /NBD exports .* cannot be given to a container.*nbd/,
    );
    const spec = specOf({ nics: [nicOf(0)], disks: [nbd] });
    await expect(driver.create(spec, signal)).rejects.toThrow(/NBD/);
    expect(existsSync(join(stateDir, spec.workloadId))).toBe(false);

    // A host end named like a link that is not a veth: plugging fails, the link is left alone.
    await ipHost('link', 'add', hostName(9), 'type', 'bridge');
    const clash = specOf({ nics: [{ ...nicOf(0), hostName: hostName(9) }], disks: [await diskOf('c')] });
    await expect(driver.create(clash, signal)).rejects.toThrow(/not a veth/);
    expect(existsSync(join(stateDir, clash.workloadId))).toBe(false);
    expect(existsSync(netnsPath(netnsNameOf(clash.workloadId)))).toBe(false);
    await ipHost('link', 'show', 'dev', hostName(9));
    await ipHost('link', 'delete', 'dev', hostName(9));
  });

  it('keeps NICs and disks across stop/start, re-plugs them after a host reboot, and destroy removes all', async () => {
    const nic = nicOf(0);
    const disk = await diskOf('kept');
    const h = await driver.create(specOf({ nics: [nic], disks: [disk] }), signal);
    const netns = netnsNameOf(h.workloadId);
    const volumes = join(stateDir, h.workloadId, 'volumes');
    const path = `/mnt/volumes/${disk.volumeId}/kept`;
    await exec(h.workloadId, `echo kept data > ${path}`);

    await driver.stop(h, { timeoutMs: 5_000 }, signal);
    await ipHost('link', 'show', 'dev', nic.hostName); // the namespace outlives the container
    await driver.start(h, signal);
    expect(await inContainer(h.workloadId, 'eth0')).toContain(`inet ${subnet}.10/24`);
    expect((await exec(h.workloadId, `cat ${path}`)).stdout).toBe('kept data\n');

    // A host reboot: the namespace and every mount are gone; start puts them back.
    await driver.stop(h, { timeoutMs: 5_000 }, signal);
    await deleteNetns(netns);
    for (const m of (await mountsUnder(volumes)).reverse()) await runCommand('umount', [m]);
    await driver.start(h, signal);
    expect(await inContainer(h.workloadId, 'eth0')).toMatch(new RegExp(`^${nic.mac}\\n1400\\n`));
    expect((await exec(h.workloadId, `cat ${path}`)).stdout).toBe('kept data\n');
    await ipHost('link', 'set', nic.hostName, 'master', 'br0');
    expect((await pingFromHost(`${subnet}.10`)).stdout).toMatch(/1 packets received/);

    // A rebuild replaces the root, not the devices (the spec's empty lists do not count).
    await driver.rebuild(h, specOf({ workloadId: h.workloadId }), signal);
    expect(await inContainer(h.workloadId, 'eth0')).toContain(`inet ${subnet}.10/24`);
    expect((await exec(h.workloadId, `cat ${path}`)).stdout).toBe('kept data\n');

    // An agent restart: a new driver reads the devices back from the record.
    const restarted = new RuncDriver({ stateDir, cacheDir, hostNetns: hostNs });
    expect(await restarted.devices(h.workloadId)).toEqual([
      { kind: 'nic', nic },
      { kind: 'disk', disk },
    ]);

    await restarted.destroy(h.workloadId, signal);
    expect(existsSync(netnsPath(netns))).toBe(false);
    await expect(ipHost('link', 'show', 'dev', nic.hostName)).rejects.toThrow(/does not exist/);
    expect(await mountsUnder(join(stateDir, h.workloadId))).toEqual([]);
    expect(await loopsOn(disk.source)).toBe('');
    expect(await restarted.devices(h.workloadId)).toEqual([]);
    await restarted.detachDevice(h, { kind: 'nic', id: 'port-0' }, signal); // unknown workload: resolves
  });
});
