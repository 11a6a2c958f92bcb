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
import { deleteServer, serverRound } from './soak-servers.js';
import { prepareSoak, soakFlavor } from './soak-setup.js';
import { SoakTally } from './soak-tally.js';

export interface SoakOptions {
  readonly minutes: number;
  /** Clients cycling servers on the fake driver. */
  readonly serverClients: number;
  /** Clients cycling runc containers (when runc runs here). */
  readonly containerClients: number;
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
  if (dir.fillMissing !== undefined) skipped.push(`fill-disk fault: ${dir.fillMissing}`);
  const kinds: FaultKind[] = ['kill-control-plane'];
  if (containers > 0) kinds.push('kill-container');
  if (dir.fillMissing === undefined) kinds.push('fill-disk');
  return { containers, kinds, driver: containers > 0 ? 'runc,fake' : 'fake' };
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
  const api = new SoakApi(cp, windows, tally);
  let acknowledgedChecked = 0;
  const serverIds = new Set<string>();
  try {
    progress(`soak: data dir ${dir.path}, compute driver ${p.driver}, faults ${p.kinds.join(', ')}`);
    await cp.start();
    const ledger = new SoakLedger();
    const base = { api, ledger, tally, taskTimeoutMs: o.taskTimeoutSec * 1000 };
    const ctx: SoakContext = { ...base, setup: await prepareSoak(base, p.containers > 0) };
    await drive(ctx, o, p, cp, windows, progress);
    progress('soak: checking the invariants');
    acknowledgedChecked = await checkInvariants(ctx, cp, serverIds);
  } catch (err) {
    tally.violation(`soak aborted: ${(err as Error).message}`);
  } finally {
    api.close();
    await cp.stop().catch(() => undefined);
    checkNoProcessLeft(tally, dir.path, cp.pids, serverIds);
    for (const exit of cp.unexpectedExits) tally.violation(exit);
    await dir
      .dispose()
      .catch((err: unknown) => tally.violation(`data dir cleanup: ${(err as Error).message}`));
  }
  return { tally, seconds: (Date.now() - started) / 1000, acknowledgedChecked, skipped };
}

async function drive(
  ctx: SoakContext,
  o: SoakOptions,
  p: ReturnType<typeof plan>,
  cp: SoakControlPlane,
  windows: FaultWindows,
  progress: SoakProgress,
): Promise<void> {
  const until = Date.now() + o.minutes * 60_000;
  const stopFaults = new AbortController();
  const faults = runFaults(
    {
      cp,
      windows,
      tally: ctx.tally,
      kinds: p.kinds,
      everyMs: o.faultEverySec * 1000,
      fullMs: 3000,
      progress,
    },
    stopFaults.signal,
  );
  const { vmImageId, containerImageId } = ctx.setup;
  const clients = [
    ...Array.from({ length: o.serverClients }, (_, i) =>
      loop(ctx, until, 'server', (n) => serverRound(ctx, `soak-vm-${i}-${n}`, vmImageId)),
    ),
    ...Array.from({ length: p.containers }, (_, i) =>
      loop(ctx, until, 'container', (n) => serverRound(ctx, `soak-ct-${i}-${n}`, containerImageId!)),
    ),
    loop(ctx, until, 'image', (n) => imageRound(ctx, `soak-image-${n}`)),
    loop(ctx, until, 'project', (n) => projectRound(ctx, `soak-project-${n}`)),
  ];
  await Promise.all(clients);
  stopFaults.abort();
  await faults;
  await cp.settled();
}

/**
 * The end checks, then every server deleted and nothing of them left. Returns the writes
 * checked; `serverIds` gets every server seen, for the process check after the stop.
 */
async function checkInvariants(
  ctx: SoakContext,
  cp: SoakControlPlane,
  serverIds: Set<string>,
): Promise<number> {
  const servers = await checkNoneStuck(ctx);
  await checkPlacement(ctx, servers, soakFlavor);
  const checked = await checkAcknowledged(ctx);
  for (const s of servers) serverIds.add(String(s['id']));
  for (const e of ctx.ledger.entries()) if (e.kind === 'server') serverIds.add(e.id);
  await Promise.all(servers.map((s) => deleteServer(ctx, String(s['id']))));
  const left = await checkNoneStuck(ctx);
  for (const s of left)
    ctx.tally.violation(`server ${s['id']} (${s['status']}) still there after its delete`);
  await checkPlacement(ctx, left, soakFlavor);
  await checkNoWorkloadLeft(ctx, cp.dataDir, serverIds);
  await checkImageFiles(ctx, cp.dataDir);
  return checked;
}
