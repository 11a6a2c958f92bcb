import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { down } from './down-command.js';

/** A process whose command line reads `… strata up` (or not), standing for a cloud's. */
function fakeProcess(args: string[]) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  return { child, exited };
}

describe('strata down', () => {
  const dirs: string[] = [];
  const children: ReturnType<typeof fakeProcess>[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.child.kill('SIGKILL');
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'strata-down-'));
    dirs.push(d);
    return d;
  };

  it("stops the data dir's strata up and forgets its pid file", async () => {
    const dir = dataDir();
    const up = fakeProcess(['strata', 'up']);
    children.push(up);
    writeFileSync(join(dir, 'strata.pid'), `${up.child.pid}\n`);
    await down({ dataDir: dir, graceSeconds: 20 });
    await up.exited;
    expect(up.child.signalCode).toBe('SIGTERM');
    expect(existsSync(join(dir, 'strata.pid'))).toBe(false);
  });

  it('leaves alone a process a stale pid file names that is not a strata up', async () => {
    const dir = dataDir();
    const other = fakeProcess(['something-else']);
    children.push(other);
    writeFileSync(join(dir, 'strata.pid'), `${other.child.pid}\n`);
    await down({ dataDir: dir });
    expect(other.child.exitCode).toBeNull();
    expect(other.child.signalCode).toBeNull();
  });

  it('refuses a data dir that does not exist', async () => {
    await expect(down({ dataDir: join(dataDir(), 'missing') })).rejects.toThrow(/no data directory/);
  });
});
