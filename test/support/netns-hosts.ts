import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../src/agent/host/command.js';
import { deleteNetns, ipIn, netnsDir } from '../../src/agent/host/netns.js';
import { reapWorkloadsUnder } from '../../src/agent/host/workload-reaper.js';
import { stopProcessGroup } from './process-reaper.js';
import { strataBin } from './strata-process.js';

/**
 * Several "hosts" on one machine, each a network namespace on a shared underlay, so that
 * VXLAN (or NBD, or anything else between hosts) crosses a real network stack:
 *
 *   root ns ── veth ──┐
 *                     ├─ br0 in the underlay namespace `sdu-<tag>` (a switch, no firewall)
 *   sdh-<tag>-1 eth0 ─┤
 *   sdh-<tag>-2 eth0 ─┘
 *
 * The root namespace holds `.1` of a /24 picked per run from 198.18.0.0/15 (RFC 2544, kept
 * for benchmarks, unlikely to be routed here), so a control plane listening there is reached
 * by every host; host i holds `.10+i`. The underlay is a namespace of its own rather than a
 * bridge in the root namespace: nothing of the machine's own firewall sees host-to-host traffic,
 * and deleting one namespace removes the switch and every cable. Every name carries the run's
 * tag, so parallel runs never meet.
 *
 * Use (root, after `npm run build`; see test/cli/multi-host-dataplane.cli.test.ts):
 *   const cluster = await NetnsCluster.create();          // afterAll: await cluster.cleanup()
 *   const [h1, h2] = [await cluster.addHost(), await cluster.addHost()];
 *   const strata = await startStrata({ extraArgs: ['--host', cluster.underlay.rootIp], ... });
 *   cluster.useControlPlane(join(strata.dataDir, 'clouds.yaml'));
 *   await cluster.startAgent(h1);                           // servers: availability_zone h1.name
 * Hosts reach each other at `host.ip`; run a command on a host with `ip netns exec host.netns`.
 */
export interface Underlay {
  readonly tag: string;
  /** The switch's namespace. */
  readonly netns: string;
  /** `198.18.X`, without the last octet. */
  readonly prefix: string;
  /** The root namespace's address on the underlay (where a control plane listens). */
  readonly rootIp: string;
  /** The root end of the root's cable. */
  readonly rootLink: string;
}

export interface AgentOptions {
  /** Comma-separated, as `--compute-driver` takes it (default runc). */
  readonly computeDriver?: string;
  /** Default linux. */
  readonly dataplane?: string;
  /** Further `strata agent` arguments. */
  readonly extraArgs?: ReadonlyArray<string>;
  /** Added to the agent's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface NetnsHost {
  /** The host name the agent registers; also its availability zone, to place servers on it. */
  readonly name: string;
  readonly netns: string;
  /** Its underlay address, which is also its VXLAN tunnel IP. */
  readonly ip: string;
  /** The agent's data dir: kept across restarts, removed by the cluster's cleanup. */
  readonly dataDir: string;
  agent: ChildProcess | undefined;
}

const underlayLink = 'eth0';

/** A /24 of 198.18.0.0/15 that no address or route of the root namespace covers yet. */
async function freePrefix(): Promise<string> {
  const { stdout } = await runCommand('ip', ['-j', 'addr', 'show']);
  const routes = (await runCommand('ip', ['-j', 'route', 'show'])).stdout;
  for (let tries = 0; tries < 50; tries++) {
    const prefix = `198.${18 + randomInt(2)}.${randomInt(256)}`;
    if (!stdout.includes(`"${prefix}.`) && !routes.includes(`"${prefix}.`)) return prefix;
  }
  throw new Error('no free /24 in 198.18.0.0/15 for an underlay');
}

export async function createUnderlay(tag = randomBytes(3).toString('hex')): Promise<Underlay> {
  const prefix = await freePrefix();
  const underlay: Underlay = {
    tag,
    netns: `sdu-${tag}`,
    prefix,
    rootIp: `${prefix}.1`,
    rootLink: `sdu${tag}r`,
  };
  try {
    await runCommand('ip', ['netns', 'add', underlay.netns]);
    await ipIn(underlay.netns, ['link', 'set', 'lo', 'up']);
    await ipIn(underlay.netns, ['link', 'add', 'br0', 'type', 'bridge']);
    await ipIn(underlay.netns, ['link', 'set', 'br0', 'up']);
    await cable(underlay, undefined, underlay.rootLink, 'root');
    await ipIn(undefined, ['addr', 'add', `${underlay.rootIp}/24`, 'dev', underlay.rootLink]);
    return underlay;
  } catch (err) {
    await deleteUnderlay(underlay);
    throw err;
  }
}

/** The switch's namespace (every cable into it goes too) and, in case it was half made, the root's end. */
export async function deleteUnderlay(u: Underlay): Promise<void> {
  await deleteNetns(u.netns).catch(() => undefined);
  await ipIn(undefined, ['link', 'delete', u.rootLink]).catch(() => undefined);
}

/** A veth from `netns` (`name` there, up) to a port `port` of the underlay's switch. */
async function cable(u: Underlay, netns: string | undefined, name: string, port: string): Promise<void> {
  await ipIn(netns, ['link', 'add', name, 'type', 'veth', 'peer', 'name', port, 'netns', u.netns]);
  await ipIn(u.netns, ['link', 'set', port, 'master', 'br0', 'up']);
  await ipIn(netns, ['link', 'set', name, 'up']);
}

/**
 * Several hosts on one underlay, with a `strata agent` in each against a control plane at
 * `controlPlane.cloudsYaml`. `cleanup()` removes everything the cluster made, whatever
 * state it is in; call it in afterAll.
 */
export class NetnsCluster {
  readonly hosts: NetnsHost[] = [];
  #cloudsYaml = '';

  private constructor(readonly underlay: Underlay) {}

  static async create(tag?: string): Promise<NetnsCluster> {
    return new NetnsCluster(await createUnderlay(tag));
  }

  get tag(): string {
    return this.underlay.tag;
  }

  /** The agents authenticate with the `strata` entry of this clouds.yaml (as `strata up` writes it). */
  useControlPlane(cloudsYaml: string): void {
    this.#cloudsYaml = cloudsYaml;
  }

  /** Adds host number `hosts.length + 1`: its namespace, cable and address (no agent yet). */
  async addHost(): Promise<NetnsHost> {
    const i = this.hosts.length + 1;
    const host: NetnsHost = {
      name: `sdh-${this.tag}-${i}`,
      netns: `sdh-${this.tag}-${i}`,
      ip: `${this.underlay.prefix}.${10 + i}`,
      dataDir: mkdtempSync(join(tmpdir(), `strata-netns-host-${i}-`)),
      agent: undefined,
    };
    this.hosts.push(host);
    await runCommand('ip', ['netns', 'add', host.netns]);
    await ipIn(host.netns, ['link', 'set', 'lo', 'up']);
    await cable(this.underlay, host.netns, underlayLink, `h${i}`);
    await ipIn(host.netns, ['addr', 'add', `${host.ip}/24`, 'dev', underlayLink]);
    return host;
  }

  /**
   * Starts `strata agent` (the built CLI) in the host's network namespace, its own data dir
   * and availability zone (the host's name), and waits until it serves. `nsenter --net`
   * rather than `ip netns exec`: the latter also gives the agent a mount namespace of its
   * own, whose mounts (the container namespaces' names under /run/netns, rootfs overlays)
   * no restarted agent, and no clean-up, would see.
   */
  async startAgent(host: NetnsHost, o: AgentOptions = {}): Promise<ChildProcess> {
    if (this.#cloudsYaml === '') throw new Error('useControlPlane first');
    const args = [
      ...['agent', '--clouds-yaml', this.#cloudsYaml, '--cloud', 'strata', '--hostname', host.name],
      ...['--availability-zone', host.name, '--data-dir', host.dataDir],
      ...['--compute-driver', o.computeDriver ?? 'runc', '--dataplane', o.dataplane ?? 'linux'],
      ...[
        '--namespace-prefix',
        namePrefixOf(host),
        '--tunnel-ip',
        host.ip,
        '--log-file',
        join(host.dataDir, 'agent.log'),
        ...(o.extraArgs ?? []),
      ],
    ];
    const child = spawn(
      'nsenter',
      [`--net=/run/netns/${host.netns}`, '--', process.execPath, strataBin, ...args],
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env: { ...process.env, ...o.env } },
    );
    host.agent = child;
    await serving(child);
    return child;
  }

  /** SIGKILL to the agent alone (its workloads keep running, as after a crash). */
  async kill9(host: NetnsHost): Promise<void> {
    const child = host.agent;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the agent (SIGTERM, then its whole process group). */
  async stopAgent(host: NetnsHost): Promise<void> {
    const child = host.agent;
    if (child === undefined) return;
    const exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise((r) => child.once('exit', r));
    await stopProcessGroup(child, exited, 10_000);
  }

  /**
   * Everything, even after a failure half-way: agents, then the workloads they left (runc
   * containers and their namespaces, processes, mounts under the data dirs), then the host
   * namespaces (their bridges, VXLAN devices, veths and nft tables go with them), then the
   * underlay (the root's cable goes with it), then the data dirs.
   */
  async cleanup(): Promise<void> {
    for (const h of this.hosts) await this.stopAgent(h).catch(() => undefined);
    for (const h of this.hosts) reapWorkloadsUnder(h.dataDir);
    for (const h of this.hosts) await deleteNetns(h.netns).catch(() => undefined);
    for (const h of this.hosts) await deletePrefixedNamespaces(namePrefixOf(h));
    await deleteUnderlay(this.underlay);
    for (const h of this.hosts) rmSync(h.dataDir, { recursive: true, force: true });
  }
}

/**
 * The host's prefix for the machine-wide names its agent makes (`<prefix>qrouter-…`,
 * `<prefix>qdhcp-…`, `<prefix>strata-external`): unique per cluster and host.
 */
export function namePrefixOf(host: NetnsHost): string {
  return `${host.name}-`;
}

/** The routers', DHCP servers' and external namespaces an agent left under its prefix. */
async function deletePrefixedNamespaces(prefix: string): Promise<void> {
  const names = await readdir(netnsDir).catch(() => [] as string[]);
  for (const n of names.filter((x) => x.startsWith(prefix))) await deleteNetns(n).catch(() => undefined);
}

/** Resolves once the agent prints that it serves; rejects (and kills it) after 60 s or on exit. */
function serving(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`strata agent did not start in 60 s:\n${err}`));
    }, 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (err.includes('is serving')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`strata agent exited with ${code}:\n${err}`));
    });
  });
}
