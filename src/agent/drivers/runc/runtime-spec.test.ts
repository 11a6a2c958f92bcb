import { describe, expect, it } from 'vitest';
import type { RuntimeSpecInput } from './runtime-spec.js';
import { buildRuntimeSpec, processArgs, processEnv, resolveUser } from './runtime-spec.js';

const input: RuntimeSpecInput = {
  hostname: 'web-1',
  vcpus: 2,
  memoryMb: 256,
  pidsMax: 1024,
  run: {
    env: ['PATH=/bin', 'LANG=C'],
    entrypoint: ['/init'],
    cmd: ['--serve'],
    workingDir: '/srv',
    user: '',
  },
  user: { uid: 1000, gid: 1000, additionalGids: [27], home: '/home/app' },
  cgroupsPath: '/strata-runc-w1',
  configDriveDir: '/state/w1/config-drive',
  hostsFile: '/state/w1/hosts',
  hostnameFile: '/state/w1/hostname',
};

type Spec = {
  process: { args: string[]; env: string[]; cwd: string; terminal: boolean; user: unknown };
  hostname: string;
  root: { path: string; readonly: boolean };
  mounts: Array<{ destination: string; type: string; source: string; options: string[] }>;
  linux: {
    cgroupsPath: string;
    namespaces: Array<{ type: string; path?: string }>;
    resources: { memory: { limit: number }; cpu: { quota: number; period: number } };
    maskedPaths: string[];
    readonlyPaths: string[];
  };
};

type ConfinedSpec = Spec & {
  process: { noNewPrivileges: boolean; capabilities: Record<string, string[]> };
  linux: {
    uidMappings?: unknown;
    gidMappings?: unknown;
    resources: { pids: unknown };
    seccomp: {
      defaultAction: string;
      defaultErrnoRet: number;
      syscalls: Array<{ names: string[]; action: string; args?: unknown[] }>;
    };
  };
};

describe('runtime spec', () => {
  const spec = buildRuntimeSpec(input) as unknown as Spec;

  it('runs the image entrypoint and command with its environment and working dir', () => {
    expect(spec.process.args).toEqual(['/init', '--serve']);
    expect(spec.process.env).toEqual(['PATH=/bin', 'LANG=C', 'HOSTNAME=web-1', 'HOME=/home/app']);
    expect(spec.process.cwd).toBe('/srv');
    expect(spec.process.terminal).toBe(false);
    expect(spec.process.user).toEqual({ uid: 1000, gid: 1000, additionalGids: [27] });
    expect(spec.hostname).toBe('web-1');
    expect(spec.root).toEqual({ path: 'rootfs', readonly: false });
  });

  it('limits memory and CPU to the flavor', () => {
    expect(spec.linux.resources.memory.limit).toBe(256 * 1024 * 1024);
    expect(spec.linux.resources.cpu).toEqual({ quota: 200_000, period: 100_000 });
    expect(spec.linux.cgroupsPath).toBe('/strata-runc-w1');
  });

  it('isolates pid, ipc, uts, mount and network namespaces', () => {
    expect(spec.linux.namespaces.map((n) => n.type).sort()).toEqual([
      'ipc',
      'mount',
      'network',
      'pid',
      'uts',
    ]);
    expect(spec.linux.namespaces.every((n) => n.path === undefined)).toBe(true);
  });

  it("joins the workload's named network namespace and mounts its volumes rslave when it has devices", () => {
    const devices = { netnsPath: '/run/netns/strata-w1', volumesDir: '/state/w1/volumes' };
    const withDevices = buildRuntimeSpec({ ...input, devices }) as unknown as Spec;
    expect(withDevices.linux.namespaces).toContainEqual({ type: 'network', path: '/run/netns/strata-w1' });
    expect(withDevices.linux.namespaces.filter((n) => n.path !== undefined)).toHaveLength(1);
    const volumes = withDevices.mounts.find((m) => m.destination === '/mnt/volumes');
    expect(volumes).toMatchObject({ type: 'bind', source: '/state/w1/volumes' });
    expect(volumes?.options).toEqual(expect.arrayContaining(['rbind', 'rslave']));
    expect(spec.mounts.some((m) => m.destination === '/mnt/volumes')).toBe(false);
  });

  it('mounts the config drive read-only at /mnt/config and the standard filesystems', () => {
    const cfg = spec.mounts.find((m) => m.destination === '/mnt/config');
    expect(cfg).toMatchObject({ type: 'bind', source: '/state/w1/config-drive' });
    expect(cfg?.options).toContain('ro');
    for (const d of ['/proc', '/dev', '/dev/pts', '/dev/shm', '/sys', '/etc/hosts', '/etc/hostname'])
      expect(spec.mounts.map((m) => m.destination)).toContain(d);
    expect(spec.mounts.find((m) => m.destination === '/sys')?.options).toContain('ro');
    expect(spec.linux.maskedPaths).toContain('/proc/kcore');
    expect(spec.linux.readonlyPaths).toContain('/proc/sys');
  });

  it('confines the container: user namespace, seccomp, capabilities, no new privileges, pids', () => {
    const idMap = { hostId: 2 ** 28, size: 65_536 };
    const c = buildRuntimeSpec({
      ...input,
      idMap,
      rootPath: '/run/r/w1',
      sysfsDir: '/state/w1/sys',
    }) as unknown as ConfinedSpec;
    expect(c.linux.namespaces.map((n) => n.type)).toContain('user');
    const mapping = [{ containerID: 0, hostID: 2 ** 28, size: 65_536 }];
    expect(c.linux.uidMappings).toEqual(mapping);
    expect(c.linux.gidMappings).toEqual(mapping);
    expect(c.root.path).toBe('/run/r/w1');
    expect(c.process.noNewPrivileges).toBe(true);
    for (const set of Object.values(c.process.capabilities)) {
      expect(set).not.toContain('CAP_NET_RAW');
      expect(set).not.toContain('CAP_SYS_ADMIN');
      expect(set).toContain('CAP_CHOWN');
    }
    expect(c.linux.resources.pids).toEqual({ limit: 1024 });
    expect(c.linux.seccomp.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(c.linux.seccomp.defaultErrnoRet).toBe(1);
    const allowed = c.linux.seccomp.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args);
    const names = allowed.flatMap((r) => r.names);
    expect(names).toEqual(expect.arrayContaining(['read', 'openat', 'execve', 'wait4', 'mknodat']));
    for (const no of ['mount', 'umount2', 'unshare', 'setns', 'init_module', 'kexec_load', 'bpf', 'reboot'])
      expect(names).not.toContain(no);
    // The sysfs of a network namespace the user namespace does not own is bound, not mounted.
    expect(c.mounts.find((m) => m.destination === '/sys')).toMatchObject({
      type: 'bind',
      source: '/state/w1/sys',
    });
    // Without a mapping (a container made before confinement) it keeps the host's ids.
    const legacy = spec as unknown as ConfinedSpec;
    expect(legacy.linux.uidMappings).toBeUndefined();
    expect(legacy.linux.namespaces.map((n) => n.type)).not.toContain('user');
    expect(legacy.process.noNewPrivileges).toBe(true);
  });

  it('is pure', () => {
    expect(buildRuntimeSpec(input)).toEqual(buildRuntimeSpec(input));
  });

  it('needs something to run', () => {
    expect(() => processArgs({ ...input.run, entrypoint: [], cmd: [] })).toThrow(
      /neither Entrypoint nor Cmd/,
    );
    expect(processArgs({ ...input.run, entrypoint: [], cmd: ['sh'] })).toEqual(['sh']);
  });

  it('fills PATH only when the image has none', () => {
    expect(processEnv([], 'h', '/root')[0]).toMatch(/^PATH=\/usr\/local\/sbin:/);
    expect(processEnv(['HOSTNAME=x', 'HOME=/h'], 'h', '/root')).toEqual([
      expect.stringMatching(/^PATH=/),
      'HOSTNAME=x',
      'HOME=/h',
    ]);
  });
});

describe('image user', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:App:/home/app:/bin/sh\n';
  const group = 'root:x:0:\napp:x:1001:\nwheel:x:10:app,bob\ndocker:x:999:bob\n';

  it('is root when the image names none', () => {
    expect(resolveUser('', passwd, group)).toEqual({ uid: 0, gid: 0, additionalGids: [], home: '/root' });
    expect(resolveUser('', '', '')).toEqual({ uid: 0, gid: 0, additionalGids: [], home: '/root' });
  });

  it('looks names up in passwd and group', () => {
    expect(resolveUser('app', passwd, group)).toEqual({
      uid: 1000,
      gid: 1001,
      additionalGids: [10],
      home: '/home/app',
    });
    expect(resolveUser('app:docker', passwd, group).gid).toBe(999);
    expect(resolveUser('1000', passwd, group).home).toBe('/home/app');
  });

  it('takes numbers as they are, with group 0 when passwd has no entry', () => {
    expect(resolveUser('4242', passwd, group)).toMatchObject({ uid: 4242, gid: 0, home: '/' });
    expect(resolveUser('4242:77', passwd, group)).toMatchObject({ uid: 4242, gid: 77 });
  });

  it('rejects unknown names', () => {
    expect(() => resolveUser('ghost', passwd, group)).toThrow(/user "ghost"/);
    expect(() => resolveUser('app:ghosts', passwd, group)).toThrow(/group "ghosts"/);
  });
});
