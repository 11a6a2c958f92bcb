import { existsSync } from 'node:fs';
import { hasCommand } from '../../src/agent/host/command.js';

/**
 * Why a Linux dataplane test on the real kernel cannot run here, or undefined when it can:
 * root, the base tools plus `extra`, busybox for the container image, and br_netfilter
 * (the port filter sees bridged traffic only through it).
 */
export function kernelDataplaneSkipReason(extra: ReadonlyArray<string> = []): string | undefined {
  const missing = ['runc', 'ip', 'bridge', 'nft', 'nsenter', ...extra].filter((c) => !hasCommand(c));
  if (process.getuid?.() !== 0) return 'needs root';
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  if (!existsSync('/bin/busybox')) return 'needs /bin/busybox';
  if (!existsSync('/proc/sys/net/bridge/bridge-nf-call-iptables')) return 'needs br_netfilter';
  return undefined;
}
