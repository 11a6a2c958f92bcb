import { readFileSync } from 'node:fs';
import os from 'node:os';

/** What the figures were measured on; recorded beside them. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  /** libuv threads (scrypt of older hashes runs there; Argon2id on its own threads, behind a gate of two). */
  readonly threadpool: number;
  readonly date: string;
  /** 1-minute load average when the run began; other work on the machine skews every figure. */
  readonly loadAverage: number;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function machineInfo(): MachineInfo {
  const pool = Number(process.env['UV_THREADPOOL_SIZE']);
  return {
    cpuModel: cpuModel(),
    cpus: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    threadpool: Number.isInteger(pool) && pool > 0 ? pool : 4,
    date: new Date().toISOString().slice(0, 10),
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
