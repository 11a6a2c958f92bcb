import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ConfigInput } from '../common/config.js';
import { loadConfig } from '../common/config.js';
import { securePrivateDataDir } from '../common/data-dir.js';
import { randomToken } from '../common/ids.js';
import { bootstrapIdentity } from '../identity/bootstrap.js';
import { buildCloud } from '../main.js';
import { writeClientConfig } from './client-config.js';
import { registerTestImages } from '../image/test-image-registration.js';
import { bootstrapComputeDefaults } from './up-bootstrap.js';

export interface UpOptions extends ConfigInput {
  readonly adminPassword?: string;
  readonly config?: string;
}

/**
 * `strata up`: the all-in-one cloud. Creates the data directory and database, bootstraps
 * the admin, listens, registers the catalog, writes clouds.yaml and openrc, and stops
 * cleanly on SIGTERM/SIGINT. A second start reuses everything.
 */
export async function up(opts: UpOptions): Promise<void> {
  const started = Date.now();
  const config = loadConfig(opts, process.env, opts.config);
  const warnings = securePrivateDataDir(config.dataDir);
  const { password, reset } = adminPassword(
    config.dataDir,
    opts.adminPassword ?? process.env['STRATA_ADMIN_PASSWORD'],
  );
  const cloud = await buildCloud(config);
  for (const w of warnings) cloud.log.warn(w);
  const { adminProjectId } = await bootstrapIdentity(cloud.identity, {
    adminUser: 'admin',
    adminPassword: password,
    adminProject: 'admin',
    resetPassword: reset,
  });
  await bootstrapComputeDefaults(cloud, adminProjectId);
  if (await cloud.network.createDefaults(adminProjectId))
    cloud.log.info('created the default networks public and private and router router1');
  await registerTestImages(cloud, adminProjectId, cloud.compute.agents.realKinds());
  await cloud.app.listen({ host: config.host, port: config.port });
  const port = (cloud.app.server.address() as AddressInfo).port;
  const publicUrl = config.publicUrl ?? `http://${config.host}:${port}`;
  await cloud.registerCatalog(publicUrl);
  const files = writeClientConfig(config.dataDir, {
    authUrl: `${publicUrl}/identity`,
    username: 'admin',
    password,
    projectName: 'admin',
    regionId: config.regionId,
  });
  writeFileSync(join(config.dataDir, 'strata.pid'), `${process.pid}\n`);
  process.stderr.write(banner(publicUrl, files, Date.now() - started));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    cloud.log.info({ signal }, 'shutting down');
    void cloud.close().then(
      () => process.exit(0),
      (err: unknown) => {
        cloud.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** The admin password: given (and then reset), or generated once and kept in the data directory. */
function adminPassword(dataDir: string, given: string | undefined): { password: string; reset: boolean } {
  const file = join(dataDir, 'admin-password');
  if (given !== undefined && given !== '') {
    writeFileSync(file, `${given}\n`, { mode: 0o600 });
    return { password: given, reset: true };
  }
  if (existsSync(file)) return { password: readFileSync(file, 'utf8').trim(), reset: false };
  const generated = randomToken(18);
  writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  return { password: generated, reset: true };
}

function banner(url: string, files: { cloudsYaml: string; openrc: string }, ms: number): string {
  return [
    '',
    `Strata is up at ${url} (ready in ${ms} ms)`,
    '',
    '  Use it with the openstack CLI:',
    `    export OS_CLIENT_CONFIG_FILE=${files.cloudsYaml}`,
    '    openstack --os-cloud strata token issue',
    '  or:',
    `    source ${files.openrc} && openstack catalog list`,
    '',
    '  Stop with Ctrl-C (or SIGTERM); the next `strata up` reuses the data.',
    '',
  ].join('\n');
}
