import { join } from 'node:path';
import { drivers } from '../agent/drivers/registry.js';
import { SoakApi } from './soak-api.js';
import type { SoakContext } from './soak-context.js';
import { sleep } from './soak-context.js';
import { SoakControlPlane } from './soak-control-plane.js';
import type { SoakDataDir } from './soak-data-dir.js';
import { makeSoakDataDir } from './soak-data-dir.js';
import type { FaultKind } from './soak-faults.js';
import { runFaults } from './soak-faults.js';
import { FaultWindows } from './soak-faults-window.js';
import { imageRound, projectRound } from './soak-images.js';
import { checkAcknowledged, checkNoneStuck, checkPlacement } from './soak-invariants.js';
import { SoakLedger } from './soak-ledger.js';
import { checkImageFiles, checkNoProcessLeft, checkNoWorkloadLeft } from './soak-orphans.js';
import { deleteServer, serverRound, vmRound } from './soak-servers.js';
import { prepareSoak } from './soak-setup.js';
import { SoakAgent, soakAgentHost } from './soak-agent.js';
import { SoakTally } from './soak-tally.js';

export interface SoakOptions {
  readonly minutes: number;
  /** Clients cycling servers on the fake driver. */
  readonly serverClients: number;
  /** Clients cycling runc containers (when runc runs here). */
  readonly containerClients: number;
  /** Clients cycling QEMU VMs (when QEMU runs here); each VM is held ACTIVE `vmHoldSec`. */
  readonly vmClients: number;
  readonly vmHoldSec: number;
  readonly faultEverySec: number;
  readonly taskTimeoutSec: number;
}

export interface SoakReport {
  readonly tally: SoakTally;
  readonly seconds: number;
  readonly acknowledgedChecked: number;
  /** Faults or clients this machine cannot run, with why. */
  readonly skipped: ReadonlyArray<string>;
}

/** Windows stay open this long after a fault ends: a request sent into a fault may answer just after it. */
const faultGraceMs = 3000;
/**
 * How long kill-qemu waits for the power sync to stop the server: the agent observes every
 * server each 30 s resync, and a control-plane or agent kill in between delays it further.
 */
const powerSyncMs = 120_000;

export type SoakProgress = (line: string) => void;

/** Runs `round` with increasing numbers until `until`, a short pause between rounds to spare the CPU. */
async function loop(ctx: SoakContext, until: number, label: string, round: (n: number) => Promise<void>) {
  for (let n = 0; Date.now() < until; n++) {
    await round(n).catch((err: unknown) =>
      ctx.tally.violation(`${label} client failed: ${(err as Error).message}`),
    );
    await sleep(200);
  }
}

function plan(o: SoakOptions, dir: SoakDataDir, skipped: string[]) {
  const runcWhy = drivers.runc.missing();
  const containers = runcWhy === undefined ? o.containerClients : 0;
  if (runcWhy !== undefined) skipped.push(`runc containers and the kill-container fault: ${runcWhy}`);
  const qemuWhy = o.vmClients === 0 ? 'no VM clients (--vm-clients 0)' : drivers.qemu.missing();
  const vms = qemuWhy === undefined ? o.vmClients : 0;
  if (qemuWhy !== undefined) skipped.push(`QEMU VMs and the kill-qemu fault: ${qemuWhy}`);
  if (dir.fillMissing !== undefined) skipped.push(`fill-disk fault: ${dir.fillMissing}`);
  // Interleaved so a 2-minute run (8 faults at the default 15 s) injects each kind once.
  const kinds: FaultKind[] = ['kill-control-plane', 'kill-agent'];
  if (vms > 0) kinds.push('kill-qemu');
  if (containers > 0) kinds.push('kill-container');
  if (dir.fillMissing === undefined) kinds.push('fill-disk');
  // The fake servers run on the agent; the control plane runs the real drivers (fake when none can run).
  const real = [...(containers > 0 ? ['runc'] : []), ...(vms > 0 ? ['qemu'] : [])];
  return { containers, vms, kinds, driver: real.length > 0 ? real.join(',') : 'fake' };
}

/**
 * `strata soak`: clients create, act on and delete servers, images and projects against
 * a child `strata up` while faults are injected; then the invariants are checked and
 * every server is deleted to see that nothing of them is left behind.
 */
export async function runSoak(o: SoakOptions, progress: SoakProgress): Promise<SoakReport> {
  const started = Date.now();
  const skipped: string[] = [];
  const dir = await makeSoakDataDir();
  const tally = new SoakTally();
  const windows = new FaultWindows(faultGraceMs);
  const p = plan(o, dir, skipped);
  const cp = new SoakControlPlane(dir.path, ['--compute-driver', p.driver], windows, progress);
  const cloudsYaml = join(dir.path, 'clouds.yaml');
  const agent = new SoakAgent(join(dir.base, 'agent'), cloudsYaml, () => cp.settled(), progress);
  const api = new SoakApi(cp, windows, tally);
  let acknowledgedChecked = 0;
  const serverIds = new Set<string>();
  try {
    progress(
      `soak: data dir ${dir.path}, control plane drivers ${p.driver}, agent ${soakAgentHost.hostname} (fake, zone ${soakAgentHost.zone}), faults ${p.kinds.join(', ')}`,
    );
    await cp.start();
    await agent.start();
    const ledger = new SoakLedger();
    const base = { api, ledger, tally, taskTimeoutMs: o.taskTimeoutSec * 1000 };
    const ctx: SoakContext = { ...base, setup: await prepareSoak(base, p.containers > 0, p.vms > 0) };
    await drive(ctx, o, p, { cp, agent, windows, progress });
    progress('soak: checking the invariants');
    acknowledgedChecked = await checkInvariants(ctx, [cp.dataDir, agent.dataDir], serverIds);
  } catch (err) {
    tally.violation(`soak aborted: ${(err as Error).message}`);
  } finally {
    api.close();
    await agent.stop().catch(() => undefined);
    await cp.stop().catch(() => undefined);
    checkNoProcessLeft(tally, dir.base, [...cp.pids, ...agent.pids], serverIds);
    for (const exit of [...cp.unexpectedExits, ...agent.unexpectedExits]) tally.violation(exit);
    await dir
      .dispose()
      .catch((err: unknown) => tally.violation(`data dir cleanup: ${(err as Error).message}`));
  }
  return { tally, seconds: (Date.now() - started) / 1000, acknowledgedChecked, skipped };
}

interface SoakProcesses {
  readonly cp: SoakControlPlane;
  readonly agent: SoakAgent;
  readonly windows: FaultWindows;
  readonly progress: SoakProgress;
}

async function drive(
  ctx: SoakContext,
  o: SoakOptions,
  p: ReturnType<typeof plan>,
  procs: SoakProcesses,
): Promise<void> {
  const until = Date.now() + o.minutes * 60_000;
  const stopFaults = new AbortController();
  const faults = runFaults(
    {
      ...procs,
      api: ctx.api,
      tally: ctx.tally,
      kinds: p.kinds,
      everyMs: o.faultEverySec * 1000,
      fullMs: 3000,
      powerSyncMs: powerSyncMs,
    },
    stopFaults.signal,
  );
  const { vmImageId, containerImageId, qemu } = ctx.setup;
  const onAgent = { imageRef: vmImageId, zone: soakAgentHost.zone };
  const onControlPlane = 'nova';
  const clients = [
    ...Array.from({ length: o.serverClients }, (_, i) =>
      loop(ctx, until, 'server', (n) => serverRound(ctx, `soak-vm-${i}-${n}`, onAgent)),
    ),
    ...Array.from({ length: p.containers }, (_, i) =>
      loop(ctx, until, 'container', (n) =>
        serverRound(ctx, `soak-ct-${i}-${n}`, { imageRef: containerImageId!, zone: onControlPlane }),
      ),
    ),
    ...Array.from({ length: qemu === undefined ? 0 : p.vms }, (_, i) =>
      loop(ctx, until, 'qemu', (n) =>
        vmRound(
          ctx,
          `soak-qemu-${i}-${n}`,
          { imageRef: qemu!.imageId, flavorRef: qemu!.flavorId, zone: onControlPlane },
          o.vmHoldSec * 1000,
        ),
      ),
    ),
    loop(ctx, until, 'image', (n) => imageRound(ctx, `soak-image-${n}`)),
    loop(ctx, until, 'project', (n) => projectRound(ctx, `soak-project-${n}`)),
  ];
  await Promise.all(clients);
  stopFaults.abort();
  await faults;
  await procs.cp.settled();
}

/**
 * The end checks, then every server deleted and nothing of them left. Returns the writes
 * checked; `serverIds` gets every server seen, for the process check after the stop.
 */
async function checkInvariants(
  ctx: SoakContext,
  dataDirs: ReadonlyArray<string>,
  serverIds: Set<string>,
): Promise<number> {
  const servers = await checkNoneStuck(ctx);
  await checkPlacement(ctx, servers);
  const checked = await checkAcknowledged(ctx);
  for (const s of servers) serverIds.add(String(s['id']));
  for (const e of ctx.ledger.entries()) if (e.kind === 'server') serverIds.add(e.id);
  await Promise.all(servers.map((s) => deleteServer(ctx, String(s['id']))));
  const left = await checkNoneStuck(ctx);
  for (const s of left)
    ctx.tally.violation(`server ${s['id']} (${s['status']}) still there after its delete`);
  await checkPlacement(ctx, left);
  for (const dir of dataDirs) await checkNoWorkloadLeft(ctx, dir, serverIds);
  await checkImageFiles(ctx, dataDirs[0]!);
  return checked;
}
