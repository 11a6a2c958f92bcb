import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** True when Debian's python3-openstackclient is installed (scripts/test installs it as root). */
export function openstackCliAvailable(): boolean {
  try {
    execFileSync('openstack', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Drives the real `openstack` CLI against a clouds.yaml with one entry per persona. */
export class OpenStackCli {
  readonly #configFile: string;
  #clouds: Record<string, unknown> = {};

  constructor(dir: string) {
    this.#configFile = join(dir, 'test-clouds.yaml');
  }

  /** Adds or replaces a cloud entry (auth block plus optional auth_type). */
  setCloud(name: string, auth: Readonly<Record<string, unknown>>, authType = 'password'): void {
    this.#clouds[name] = {
      auth,
      auth_type: authType,
      region_name: 'RegionOne',
      identity_api_version: 3,
      interface: 'public',
    };
    writeFileSync(this.#configFile, stringify({ clouds: this.#clouds }), { mode: 0o600 });
  }

  run(cloud: string, args: ReadonlyArray<string>): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile(
        'openstack',
        ['--os-cloud', cloud, ...args],
        { env: { ...process.env, OS_CLIENT_CONFIG_FILE: this.#configFile }, timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  /** Runs with `-f json` and parses; throws with stderr when the command fails. */
  async json<T = Record<string, unknown>>(cloud: string, args: ReadonlyArray<string>): Promise<T> {
    const r = await this.run(cloud, [...args, '-f', 'json']);
    if (r.code !== 0) throw new Error(`openstack ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }

  async ok(cloud: string, args: ReadonlyArray<string>): Promise<string> {
    const r = await this.run(cloud, args);
    if (r.code !== 0) throw new Error(`openstack ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  /**
   * Runs a Python snippet with openstacksdk (what the CLI is built on) against `cloud`: the
   * snippet sees `conn` and prints its answer as JSON, for calls the CLI has no command for.
   */
  sdkJson<T>(cloud: string, snippet: string, env: Readonly<Record<string, string>> = {}): Promise<T> {
    const program = `import json, sys, openstack\nconn = openstack.connect(cloud=sys.argv[1])\n${snippet}\n`;
    return new Promise((resolve, reject) => {
      execFile(
        '/usr/bin/python3',
        ['-c', program, cloud],
        { env: { ...process.env, ...env, OS_CLIENT_CONFIG_FILE: this.#configFile }, timeout: 60_000 },
        (err, stdout, stderr) =>
          err
            ? reject(new Error(`openstacksdk snippet failed: ${stderr}`))
            : resolve(JSON.parse(stdout) as T),
      );
    });
  }

  /** Uploads a few bytes as a raw image `name` (for the fake driver, which never reads it). */
  async createTinyImage(cloud: string, dir: string, name = 'tiny'): Promise<void> {
    const file = join(dir, `${name}.img`);
    writeFileSync(file, 'a tiny test image\n');
    await this.ok(cloud, [
      'image',
      'create',
      '--file',
      file,
      '--disk-format',
      'raw',
      '--container-format',
      'bare',
      name,
    ]);
  }
}
