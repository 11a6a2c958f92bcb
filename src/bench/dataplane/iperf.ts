import { spawn } from 'node:child_process';
import { hasCommand, runCommand } from '../../agent/host/command.js';
import { deleteNetns, ipIn } from '../../agent/host/netns.js';

/** Whether Debian's iperf3 is installed (the throughput figures skip without it). */
export const iperfAvailable = () => hasCommand('iperf3');

/**
 * TCP throughput from `clientNs` to an iperf3 server in `serverNs` reached at `address`, in
 * bit/s as the receiver counted it, over `seconds` (kept short: the machine is shared).
 */
export async function iperfBitsPerSecond(
  serverNs: string,
  clientNs: string,
  address: string,
  seconds = 3,
): Promise<number> {
  const server = spawn('ip', ['netns', 'exec', serverNs, 'iperf3', '-s', '-1'], { stdio: 'ignore' });
  try {
    let last: unknown;
    for (let tries = 0; tries < 20; tries++) {
      try {
        const args = ['netns', 'exec', clientNs, 'iperf3', '-c', address, '-t', String(seconds), '-J'];
        const { stdout } = await runCommand('ip', args, { timeoutMs: (seconds + 20) * 1000 });
        const report = JSON.parse(stdout) as { end: { sum_received: { bits_per_second: number } } };
        return report.end.sum_received.bits_per_second;
      } catch (err) {
        last = err; // the server not listening yet
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    throw last;
  } finally {
    server.kill('SIGKILL');
  }
}

/**
 * The physical reference: the same measurement over a bare veth pair between two fresh
 * namespaces (`<prefix>-a`, `<prefix>-b`), removed afterwards.
 */
export async function plainVethBitsPerSecond(prefix: string, mtu: number, seconds = 3): Promise<number> {
  const [a, b] = [`${prefix}-a`, `${prefix}-b`];
  try {
    for (const ns of [a, b]) {
      await runCommand('ip', ['netns', 'add', ns]);
      await ipIn(ns, ['link', 'set', 'lo', 'up']);
    }
    await ipIn(a, [
      'link',
      'add',
      'eth0',
      'mtu',
      String(mtu),
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      b,
    ]);
    await ipIn(b, ['link', 'set', 'eth0', 'mtu', String(mtu)]);
    for (const [ns, ip] of [
      [a, '10.99.0.1/24'],
      [b, '10.99.0.2/24'],
    ] as const) {
      await ipIn(ns, ['addr', 'add', ip, 'dev', 'eth0']);
      await ipIn(ns, ['link', 'set', 'eth0', 'up']);
    }
    return await iperfBitsPerSecond(b, a, '10.99.0.2', seconds);
  } finally {
    for (const ns of [a, b]) await deleteNetns(ns).catch(() => undefined);
  }
}
