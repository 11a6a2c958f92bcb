import type { ImageRunConfig } from './oci-image.js';
import type { IdMap } from './runc-idmap.js';
import { seccompProfile } from './runc-seccomp.js';

/** Who the container's process runs as. */
export interface ProcessUser {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids: ReadonlyArray<number>;
  readonly home: string;
}

export interface RuntimeSpecInput {
  readonly hostname: string;
  readonly vcpus: number;
  readonly memoryMb: number;
  /** Most tasks (processes and threads) the container may hold at once. */
  readonly pidsMax: number;
  /**
   * The host ids the container's ids 0… map to (a user namespace); absent for a container
   * made before the driver confined containers, which then runs as host root.
   */
  readonly idMap?: IdMap;
  /** The root the runtime mounts: absolute when it must sit where the mapped root can reach. */
  readonly rootPath?: string;
  /** A sysfs the host mounted for the container's network namespace, bound at /sys. */
  readonly sysfsDir?: string;
  readonly run: ImageRunConfig;
  readonly user: ProcessUser;
  /** cgroup path, absolute (one per workload so its limits are its own). */
  readonly cgroupsPath: string;
  /** Host paths bind-mounted into the container. */
  readonly configDriveDir: string;
  readonly hostsFile: string;
  readonly hostnameFile: string;
  /**
   * The workload's named network namespace and shared volumes directory; absent for a
   * workload created before the driver had devices (a new, anonymous namespace then).
   */
  readonly devices?: { readonly netnsPath: string; readonly volumesDir: string };
}

export const defaultPath = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const configDriveMountPoint = '/mnt/config';
/** Where a workload's disks appear inside its container: one file per volume, named by its id. */
export const volumesMountPoint = '/mnt/volumes';
const cpuPeriodUs = 100_000;

/**
 * Docker's default capability set without CAP_NET_RAW (raw sockets forge packets on the
 * tenant network; ping works through ICMP datagram sockets instead): enough for a server's
 * init and daemons, no admin powers.
 */
const capabilities = [
  'CAP_AUDIT_WRITE',
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_MKNOD',
  'CAP_NET_BIND_SERVICE',
  'CAP_SETFCAP',
  'CAP_SETGID',
  'CAP_SETPCAP',
  'CAP_SETUID',
  'CAP_SYS_CHROOT',
];

/** Kernel interfaces a container must not read (host information) or write (host settings). */
const maskedPaths = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/sys/devices/virtual/powercap',
  '/sys/firmware',
];
const readonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The OCI runtime config.json for one workload. Pure: same input, same document. */
export function buildRuntimeSpec(i: RuntimeSpecInput): Record<string, unknown> {
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: i.user.uid, gid: i.user.gid, additionalGids: [...i.user.additionalGids] },
      args: processArgs(i.run),
      env: processEnv(i.run.env, i.hostname, i.user.home),
      cwd: i.run.workingDir.startsWith('/') ? i.run.workingDir : '/',
      capabilities: Object.fromEntries(
        ['bounding', 'effective', 'permitted'].map((set) => [set, [...capabilities]]),
      ),
      // No rlimits: the container inherits the host's (raising them needs CAP_SYS_RESOURCE).
      // No new privileges: a setuid binary or file capability gains nothing at exec.
      noNewPrivileges: true,
    },
    root: { path: i.rootPath ?? 'rootfs', readonly: false },
    hostname: i.hostname,
    mounts: mounts(i),
    linux: {
      cgroupsPath: i.cgroupsPath,
      resources: resources(i.vcpus, i.memoryMb, i.pidsMax),
      namespaces: namespaces(i.devices?.netnsPath, i.idMap !== undefined),
      ...(i.idMap && idMappings(i.idMap)),
      seccomp: seccompProfile(),
      maskedPaths,
      readonlyPaths,
    },
  };
}

/**
 * The network namespace is joined by path when the driver owns one (its NICs then outlive
 * the container), else runc makes a new one with loopback only.
 */
function namespaces(netnsPath: string | undefined, user: boolean): Array<Record<string, string>> {
  const network = netnsPath === undefined ? { type: 'network' } : { type: 'network', path: netnsPath };
  const types = ['pid', 'ipc', 'uts', 'mount', ...(user ? ['user'] : [])];
  return [...types.map((type) => ({ type })), network];
}

/** Container ids 0…size-1 are host ids hostId…: root inside is an unprivileged user outside. */
function idMappings(m: IdMap): Record<string, unknown> {
  const mapping = [{ containerID: 0, hostID: m.hostId, size: m.size }];
  return { uidMappings: mapping, gidMappings: mapping };
}

/** Entrypoint then Cmd, as Docker runs them. */
export function processArgs(run: ImageRunConfig): string[] {
  const args = [...run.entrypoint, ...run.cmd];
  if (args.length === 0) throw new Error('the image config has neither Entrypoint nor Cmd: nothing to run');
  return args;
}

/** The image's environment, with PATH, HOSTNAME and HOME filled in when the image leaves them out. */
export function processEnv(env: ReadonlyArray<string>, hostname: string, home: string): string[] {
  const has = (name: string) => env.some((e) => e.startsWith(`${name}=`));
  return [
    ...(has('PATH') ? [] : [defaultPath]),
    ...env,
    ...(has('HOSTNAME') ? [] : [`HOSTNAME=${hostname}`]),
    ...(has('HOME') ? [] : [`HOME=${home}`]),
  ];
}

/**
 * Memory limit = the flavor's RAM; CPU quota = the flavor's vCPUs worth of cores per period;
 * a task limit, so a fork bomb exhausts its own cgroup and not the host's PID space.
 */
export function resources(vcpus: number, memoryMb: number, pidsMax: number): Record<string, unknown> {
  return {
    devices: [{ allow: false, access: 'rwm' }],
    memory: { limit: memoryMb * 1024 * 1024 },
    cpu: { quota: Math.max(1, Math.round(vcpus * cpuPeriodUs)), period: cpuPeriodUs },
    pids: { limit: pidsMax },
  };
}

function mounts(i: RuntimeSpecInput): Array<Record<string, unknown>> {
  const m = (destination: string, type: string, source: string, options: string[]) => ({
    destination,
    type,
    source,
    options,
  });
  return [
    m('/proc', 'proc', 'proc', ['nosuid', 'noexec', 'nodev']),
    m('/dev', 'tmpfs', 'tmpfs', ['nosuid', 'strictatime', 'mode=755', 'size=65536k']),
    m('/dev/pts', 'devpts', 'devpts', [
      'nosuid',
      'noexec',
      'newinstance',
      'ptmxmode=0666',
      'mode=0620',
      'gid=5',
    ]),
    m('/dev/shm', 'tmpfs', 'shm', ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k']),
    m('/dev/mqueue', 'mqueue', 'mqueue', ['nosuid', 'noexec', 'nodev']),
    // A user namespace may not mount sysfs for a network namespace it does not own (the
    // driver's named one): the driver mounts one for that namespace and it is bound here.
    i.sysfsDir !== undefined
      ? m('/sys', 'bind', i.sysfsDir, ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'])
      : m('/sys', 'sysfs', 'sysfs', ['nosuid', 'noexec', 'nodev', 'ro']),
    m('/sys/fs/cgroup', 'cgroup', 'cgroup', ['nosuid', 'noexec', 'nodev', 'relatime', 'ro']),
    m(configDriveMountPoint, 'bind', i.configDriveDir, ['rbind', 'ro', 'nosuid', 'nodev', 'noexec']),
    m('/etc/hosts', 'bind', i.hostsFile, ['rbind', 'rw']),
    m('/etc/hostname', 'bind', i.hostnameFile, ['rbind', 'rw']),
    // rslave: disks the host binds under the directory later appear in the running container.
    // Read-only: the guest must not plant files or links where the host binds disks (each
    // disk's own mount keeps its own read-write or read-only flag).
    ...(i.devices
      ? [m(volumesMountPoint, 'bind', i.devices.volumesDir, ['rbind', 'rslave', 'ro', 'nosuid', 'nodev'])]
      : []),
  ];
}

/** /etc/hosts for a container whose only network is loopback. */
export function hostsFileContent(hostname: string): string {
  return `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t${hostname}\n`;
}

/**
 * The image's User (`name`, `uid`, `name:group`, `uid:gid`; empty = root) as numbers, looked
 * up in the image's /etc/passwd and /etc/group like Docker does.
 */
export function resolveUser(user: string, passwd: string, group: string): ProcessUser {
  const [u = '', g = ''] = user.split(':', 2);
  const pw = findEntry(table(passwd), u === '' ? '0' : u);
  const uid = /^\d+$/.test(u) ? Number(u) : u === '' ? 0 : Number(pw?.[2]);
  if (!Number.isInteger(uid)) throw new Error(`the image's user "${u}" is not in its /etc/passwd`);
  const groups = table(group);
  // Without a passwd entry Docker runs in group 0.
  const gid =
    g === '' ? Number(pw?.[3] ?? 0) : /^\d+$/.test(g) ? Number(g) : Number(findEntry(groups, g)?.[2]);
  if (!Number.isInteger(gid)) throw new Error(`the image's group "${g}" is not in its /etc/group`);
  const name = pw?.[0];
  const additionalGids = groups
    .filter((f) => name !== undefined && (f[3] ?? '').split(',').includes(name))
    .map((f) => Number(f[2]))
    .filter((n) => Number.isInteger(n) && n !== gid);
  return { uid, gid, additionalGids, home: pw?.[5] || (uid === 0 ? '/root' : '/') };
}

/** A passwd/group line by name, or by id for a number. */
function findEntry(rows: string[][], nameOrId: string): string[] | undefined {
  return rows.find((f) => (/^\d+$/.test(nameOrId) ? f[2] === nameOrId : f[0] === nameOrId));
}

function table(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'));
}
