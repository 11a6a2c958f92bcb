import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { hostReservedFrom, startAgent } from '../agent/agent.js';
import { availableDrivers, hostDriver } from '../agent/drivers/registry.js';
import type { ServiceCredential } from '../agent/transport/http-control-plane.js';
import { HttpControlPlane } from '../agent/transport/http-control-plane.js';
import { securePrivateDataDir } from '../common/data-dir.js';
import { createLogger } from '../common/logger.js';
import { createDataplane } from '../agent/dataplane/dataplane-registry.js';
import {
  chooseDataplane,
  isDataplaneSetting,
  probeDataplaneHost,
} from '../agent/dataplane/dataplane-choice.js';
import type { Logger } from 'pino';
import { parsePhysicalNetworks, sourceAddressTo } from '../agent/dataplane/linux/linux-dataplane-setup.js';
import type { NetworkDataplane } from '../agent/dataplane/network-dataplane.js';

export interface AgentCommandOptions {
  readonly cloudsYaml?: string;
  readonly cloud?: string;
  readonly hostname?: string;
  readonly dataDir?: string;
  readonly computeDriver?: string;
  readonly availabilityZone?: string;
  readonly reserved?: Readonly<Record<string, number>>;
  readonly logLevel?: string;
  readonly logFile?: string;
  /** 'auto' (default: linux where the host can run it), 'fake' or 'linux'. */
  readonly dataplane?: string;
  /** `name:interface` per physical network. */
  readonly physicalNetwork?: ReadonlyArray<string>;
  /** VXLAN underlay address; default the one this host reaches the control plane from. */
  readonly tunnelIp?: string;
  /** Before the linux dataplane's machine-wide names; '' by default. */
  readonly namespacePrefix?: string;
}

/**
 * `strata agent`: a host of its own against a control plane elsewhere. It authenticates
 * with the clouds.yaml entry given (a service credential), registers this machine with
 * its drivers, and runs workloads until SIGTERM; they keep running across restarts.
 */
export async function agentCommand(o: AgentCommandOptions): Promise<void> {
  const dataDir = resolve(o.dataDir ?? '.agent-data');
  const log = createLogger({ logLevel: o.logLevel ?? 'info', logFile: o.logFile ?? 'stdout' });
  for (const w of securePrivateDataDir(dataDir)) log.warn(w);
  const names =
    !o.computeDriver || o.computeDriver === 'auto'
      ? availableDrivers()
      : o.computeDriver.split(',').map((n) => n.trim());
  if (names.length === 0)
    throw new Error(
      'no compute driver can run on this host (install qemu-system-x86 and qemu-utils, or run runc as root)',
    );
  const credential = credentialFrom(
    o.cloudsYaml ?? process.env['OS_CLIENT_CONFIG_FILE'],
    o.cloud ?? process.env['OS_CLOUD'],
  );
  const controlPlane = new HttpControlPlane({ credential, imageCacheDir: join(dataDir, 'images'), log });
  const agent = await startAgent({
    hostname: o.hostname ?? osHostname(),
    availabilityZone: o.availabilityZone ?? 'nova',
    driver: hostDriver(names, dataDir),
    reserved: hostReservedFrom({ cpus: 0, memory_mb: 512, disk_gb: 0, ...o.reserved }),
    controlPlane,
    log,
    dataplane: await dataplaneOf(o, credential.authUrl, !names.every((n) => n === 'fake'), log),
  });
  process.stderr.write(`strata agent: host ${agent.hostname} is serving (${names.join(', ')})\n`);
  // Every timer of the agent is unref'd: while the control plane is down (change notices
  // retrying), nothing else would keep Node running and the agent would exit 0 on its own.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    void agent.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function dataplaneOf(
  o: AgentCommandOptions,
  authUrl: string,
  realWorkloads: boolean,
  log: Logger,
): Promise<NetworkDataplane> {
  const setting = o.dataplane ?? 'auto';
  if (!isDataplaneSetting(setting)) throw new Error(`dataplane '${setting}' is not one of auto, fake, linux`);
  const choice = chooseDataplane(setting, realWorkloads, probeDataplaneHost);
  log.info({ dataplane: choice.name, why: choice.why }, `network dataplane: ${choice.name} (${choice.why})`);
  if (choice.name === 'fake') return createDataplane('fake');
  return createDataplane('linux', {
    tunnelIp: o.tunnelIp ?? (await sourceAddressTo(new URL(authUrl).hostname.replace(/^\[|\]$/g, ''))),
    physicalNetworks: parsePhysicalNetworks(o.physicalNetwork ?? []),
    dataDir: resolve(o.dataDir ?? '.agent-data'),
    ...(o.namespacePrefix !== undefined && { namePrefix: o.namespacePrefix }),
  });
}

/** The password credential of one cloud in a clouds.yaml (as openstackclient reads it). */
function credentialFrom(file: string | undefined, cloud: string | undefined): ServiceCredential {
  if (file === undefined)
    throw new Error('give --clouds-yaml (or OS_CLIENT_CONFIG_FILE) with the agent credential');
  const doc = parse(readFileSync(file, 'utf8')) as {
    clouds?: Record<string, { auth?: Record<string, string> }>;
  };
  const name = cloud ?? 'strata';
  const auth = doc.clouds?.[name]?.auth;
  if (auth?.['auth_url'] === undefined || auth['username'] === undefined || auth['password'] === undefined)
    throw new Error(`cloud '${name}' in ${file} has no password credential (auth_url, username, password)`);
  return {
    authUrl: auth['auth_url'],
    username: auth['username'],
    password: auth['password'],
    projectName: auth['project_name'] ?? 'service',
    ...(auth['user_domain_name'] !== undefined && { userDomainName: auth['user_domain_name'] }),
    ...(auth['project_domain_name'] !== undefined && { projectDomainName: auth['project_domain_name'] }),
  };
}
