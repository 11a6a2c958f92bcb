import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import type { AcceleratorProbe } from './accel-probe-cache.js';
import { probeCache } from './accel-probe-cache.js';

export interface ProbeOptions {
  readonly qemuBinary: string;
  /** A kernel to boot under KVM; defaults to the host's own (/boot/vmlinuz-*). */
  readonly kernelPath?: string;
  readonly timeoutMs?: number;
  /** Default /dev/kvm (tests point it elsewhere). */
  readonly kvmDevice?: string;
  /** Keeps the answer on disk for the rest of this boot (see accel-probe-cache.ts). */
  readonly cacheFile?: string;
}

const cache = new Map<string, Promise<AcceleratorProbe>>();

/**
 * KVM when a guest really runs under it, else TCG; probed once per process and options, and
 * with `cacheFile` once per boot.
 * /dev/kvm existing is not enough: on some nested hosts QEMU starts, the firmware runs,
 * and the guest kernel then hangs when it leaves real mode. So the probe boots a kernel
 * under KVM for a few seconds and waits for its first message.
 */
export function detectAccelerator(opts: ProbeOptions): Promise<AcceleratorProbe> {
  const key = JSON.stringify(opts);
  let p = cache.get(key);
  if (p === undefined) {
    p = probe(opts);
    cache.set(key, p);
  }
  return p;
}

async function probe(opts: ProbeOptions): Promise<AcceleratorProbe> {
  const device = opts.kvmDevice ?? '/dev/kvm';
  const usable = await access(device, constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!usable) return { accelerator: 'tcg', reason: `${device} is missing or not accessible` };
  const kernel = opts.kernelPath ?? (await hostKernel());
  const cache =
    opts.cacheFile === undefined
      ? undefined
      : await probeCache(opts.cacheFile, opts.qemuBinary, kernel, device);
  const cached = await cache?.read();
  if (cached !== undefined) return { ...cached, reason: `${cached.reason} (probed earlier this boot)` };
  const answer = await bootUnderKvm(opts.qemuBinary, kernel, opts.timeoutMs ?? 3_000);
  await cache?.write(answer).catch(() => undefined);
  return answer;
}

async function bootUnderKvm(
  qemuBinary: string,
  kernel: string | undefined,
  timeoutMs: number,
): Promise<AcceleratorProbe> {
  const started = Date.now();
  const seen = await runProbe(qemuBinary, probeArgs(kernel), timeoutMs);
  const ms = Date.now() - started;
  if (seen.ok) return { accelerator: 'kvm', reason: `a guest ran under KVM in ${ms} ms` };
  return { accelerator: 'tcg', reason: `KVM unusable: ${seen.why}` };
}

/** With a kernel: its banner proves the guest left real mode. Without: the firmware's boot attempt. */
export function probeArgs(kernel: string | undefined): { args: string[]; expect: RegExp } {
  const common = ['-accel', 'kvm', '-cpu', 'host', '-machine', 'pc', '-m', '128M'];
  const quiet = ['-no-user-config', '-nodefaults', '-display', 'none', '-no-reboot'];
  if (kernel !== undefined) {
    const append = 'console=ttyS0 earlyprintk=serial,ttyS0 panic=-1';
    return {
      args: [...common, ...quiet, '-serial', 'stdio', '-kernel', kernel, '-append', append],
      expect: /Linux version/,
    };
  }
  return {
    args: [
      ...common,
      ...quiet,
      '-chardev',
      'stdio,id=dbg',
      '-device',
      'isa-debugcon,iobase=0x402,chardev=dbg',
    ],
    expect: /No bootable device|Booting from/,
  };
}

function runProbe(
  binary: string,
  p: { args: string[]; expect: RegExp },
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; why: string }> {
  return new Promise((resolve) => {
    const child = spawn(binary, p.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let result: { ok: true } | { ok: false; why: string } | undefined;
    const finish = (r: { ok: true } | { ok: false; why: string }) => {
      result ??= r;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => finish({ ok: false, why: `no guest output within ${timeoutMs} ms` }),
      timeoutMs,
    );
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (p.expect.test(out)) finish({ ok: true });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', (e) => finish({ ok: false, why: e.message }));
    // Once decided, do not wait for stray holders of the pipes to let go.
    child.on('exit', () => {
      if (result !== undefined) {
        clearTimeout(timer);
        resolve(result);
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = err.trim().split('\n').at(-1) ?? '';
      resolve(result ?? { ok: false, why: `qemu exited (${code ?? signal}) ${last}`.trim() });
    });
  });
}

async function hostKernel(): Promise<string | undefined> {
  const own = `vmlinuz-${release()}`;
  const names = await readdir('/boot').catch(() => [] as string[]);
  const kernels = names.filter((n) => n.startsWith('vmlinuz-')).sort();
  const pick = kernels.includes(own) ? own : kernels.at(-1);
  return pick === undefined ? undefined : join('/boot', pick);
}
