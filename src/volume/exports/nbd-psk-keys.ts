import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NbdTlsCreds } from '../../agent/drivers/driver.js';

/**
 * The TLS pre-shared keys of the NBD export server, one per consumer host, in QEMU's
 * `tls-creds-psk` layout: `<dir>/keys.psk`, one `identity:hex key` line each, private to
 * the control plane (dir 0700, file 0600). The server reads the file at each handshake,
 * so a host's key made while it runs is accepted at once; a client that has no key (or
 * another's) fails the TLS handshake before it can name an export.
 */
export class NbdPskKeys {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string) {}

  get file(): string {
    return join(this.dir, 'keys.psk');
  }

  /** The host's identity and key, made (256 random bits) the first time it is asked for. */
  forHost(host: string): Promise<NbdTlsCreds> {
    const identity = identityOf(host);
    const run = this.#queue.then(async () => {
      const keys = await this.#read();
      const known = keys.get(identity);
      if (known !== undefined) return { identity, key: known };
      const key = randomBytes(32).toString('hex');
      keys.set(identity, key);
      await this.#write(keys);
      return { identity, key };
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #read(): Promise<Map<string, string>> {
    const text = await readFile(this.file, 'utf8').catch(() => '');
    const pairs = text
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as const);
    return new Map(pairs);
  }

  /** Atomically, never readable by others even for a moment. */
  async #write(keys: ReadonlyMap<string, string>): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    const tmp = `${this.file}.${process.pid}.tmp`;
    const body = [...keys].map(([id, key]) => `${id}:${key}\n`).join('');
    await writeFile(tmp, body, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}

/** A PSK identity may not hold ':' (the file's separator): a host name's hash, readable prefix. */
export function identityOf(host: string): string {
  const safe = host.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 32);
  return `strata-${safe}-${createHash('sha256').update(host).digest('hex').slice(0, 12)}`;
}
