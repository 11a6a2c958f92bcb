import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export interface StrataConfig {
  readonly dataDir: string;
  readonly host: string;
  /** 0 asks the OS for a free port. */
  readonly port: number;
  /** `sqlite:<path>` (default: <dataDir>/strata.db) or `postgres://…`. */
  readonly databaseUrl: string;
  /** Base URL clients reach; defaults to http://<host>:<port>. */
  readonly publicUrl?: string;
  readonly logLevel: string;
  /** Where JSON logs go: 'stdout' or a file path. */
  readonly logFile: string;
  readonly regionId: string;
  readonly tokenExpirationSec: number;
  /** Keystone's max_project_tree_depth: how deep projects may nest under a domain. */
  readonly maxProjectTreeDepth: number;
  readonly tokenRotateAfterSec: number;
  readonly tokenMaxActiveKeys: number;
  /** How long a validated token is trusted without re-validation (keystonemiddleware's token cache). */
  readonly tokenCacheSec: number;
  /** Argon2id memory per password hash, in KiB (19456, OWASP's minimum; tests use less). */
  readonly passwordHashMemoryKiB: number;
  /** Keystone's lockout_failure_attempts: wrong passwords in a row that lock a user (0: never). */
  readonly lockoutFailureAttempts: number;
  /** Keystone's lockout_duration: seconds a locked user stays locked. */
  readonly lockoutDurationSec: number;
  /** Failed token requests one source address may make per minute before 429 (0: no limit). */
  readonly authFailuresPerMinute: number;
  /** YAML file of oslo.policy-style rule overrides. */
  readonly policyFile?: string;
  /** Undeclared error statuses become 500s (tests). */
  readonly strictErrors: boolean;
  /** Success bodies are checked against their routes' response schemas; a stray field is a 500 (tests). */
  readonly strictResponses: boolean;
  /**
   * Drivers of the in-process host agent: 'auto' (every real driver this machine can run,
   * else fake), a comma list such as 'qemu,runc', 'fake' (nothing really runs; `fakeHosts`
   * of them) or 'none' (no local host).
   */
  readonly computeDriver: string;
  /**
   * What a real host keeps for itself, taken off its inventory: `cpus=0,memory_mb=512,disk_gb=0`
   * (Nova's reserved_host_cpus / reserved_host_memory_mb / reserved_host_disk_mb).
   */
  readonly hostReserved: Readonly<Record<string, number>>;
  /** How many in-process fake hosts to run with the fake driver (scale tests run thousands). */
  readonly fakeHosts: number;
  /** Size of each fake host: `vcpus=64,memory_mb=262144,disk_gb=4096`. */
  readonly fakeHostShape: Readonly<Record<string, number>>;
  /** Simulated latency of every fake create, in ms (0: as fast as the process goes). */
  readonly fakeCreateDelayMs: number;
  /** 'spread' servers over hosts (default) or 'pack' them. */
  readonly schedulerStrategy: 'spread' | 'pack';
  /** A host whose last heartbeat is older than this is reported down (Nova's service_down_time). */
  readonly serviceDownTimeSec: number;
  /** How many hosts a build is tried on before it ends in ERROR (Nova's [scheduler] max_attempts). */
  readonly schedulerMaxAttempts: number;
  /**
   * A build still spawning this long on a host that is down ends in ERROR (Nova's
   * instance_build_timeout, but on by default); 0 never times out.
   */
  readonly buildTimeoutSec: number;
  /** How long a remote console's one-time token stays valid (Nova's [consoleauth] token_ttl). */
  readonly consoleTokenTtlSec: number;
  /** How long an agent waits for a server's ports to go ACTIVE before its workload starts (Nova's vif_plugging_timeout); 0 does not wait. */
  readonly vifPluggingTimeoutSec: number;
  /** Whether a port that never goes ACTIVE fails the build (Nova's vif_plugging_is_fatal), else the build goes on. */
  readonly vifPluggingIsFatal: boolean;
  /** How often each host agent's image cache manager runs (Nova's image_cache_manager_interval), in seconds; 0 never. */
  readonly imageCacheIntervalSec: number;
  /** An unused cache entry of an image that still exists is removed after this long (Nova's remove_unused_original_minimum_age_seconds). */
  readonly imageCacheMaxUnusedSec: number;
  /**
   * The local host's network dataplane: 'linux' (bridges, VXLAN, nftables; root), 'fake'
   * (nothing is wired) or 'auto' (default: linux where the host can run it, else fake).
   */
  readonly dataplane: 'auto' | 'fake' | 'linux';
  /** `name:interface,...`: the host interface of each physical network (flat and VLAN networks). */
  readonly physicalNetworks: string;
  /** The host's VXLAN underlay address; default the address it reaches the control plane from. */
  readonly tunnelIp?: string;
  /** Neutron's dns_domain: the domain of ports' names on networks without one (`openstacklocal.`). */
  readonly dnsDomain: string;
  /** Compute quota defaults that replace Nova's, e.g. `{ instances: 20 }` (Nova's [quota] section). */
  readonly computeQuotaDefaults: Readonly<Record<string, number>>;
  /** Images a project may own (Glance's image_count_total limit); -1 means unlimited. */
  readonly imageQuotaCount: number;
  /** Bytes of image data a project may store (Glance's image_size_total); -1 means unlimited. */
  readonly imageQuotaBytes: number;
  /** Largest image data accepted, in bytes (Glance's image_size_cap, 1 TiB by default). */
  readonly imageSizeCap: number;
  /** Where volume backups are kept (default `<dataDir>/backups`; best on another disk than the pool). */
  readonly volumeBackupDir: string;
  /** The volume backend's host (Cinder's backend_host): a compute host of this name opens volumes as files; default this machine's hostname. */
  readonly volumeHost: string;
  /** The storage network address NBD exports are served on (Cinder's target_ip_address); default `host`. */
  readonly storageIp: string;
  /** The TCP port of the NBD export server (NBD's own port, 10809, by default). */
  readonly nbdPort: number;
  /** Cinder's enable_force_upload: `force` on os-volume_upload_image may upload an in-use volume (default false). */
  readonly enableForceUpload: boolean;
  /**
   * Cinder's max_over_subscription_ratio: volumes may provision this many times the pool's
   * capacity (placement's DISK_GB allocation_ratio on the backend's provider); default 1.0,
   * no over-subscription, since qcow2 volumes can fill to their size.
   */
  readonly volumeMaxOverSubscriptionRatio: number;
  /** Cinder's reserved_percentage: the share of the pool's capacity kept back from volumes (placement's reserved). */
  readonly volumeReservedPercentage: number;
}

export type ConfigInput = { -readonly [K in keyof StrataConfig]?: StrataConfig[K] };

const envNames: Readonly<Record<keyof StrataConfig, string>> = {
  dataDir: 'STRATA_DATA_DIR',
  host: 'STRATA_HOST',
  port: 'STRATA_PORT',
  databaseUrl: 'STRATA_DATABASE_URL',
  publicUrl: 'STRATA_PUBLIC_URL',
  logLevel: 'STRATA_LOG_LEVEL',
  logFile: 'STRATA_LOG_FILE',
  regionId: 'STRATA_REGION',
  tokenExpirationSec: 'STRATA_TOKEN_EXPIRATION',
  maxProjectTreeDepth: 'STRATA_MAX_PROJECT_TREE_DEPTH',
  tokenRotateAfterSec: 'STRATA_TOKEN_ROTATE_AFTER',
  tokenMaxActiveKeys: 'STRATA_TOKEN_MAX_ACTIVE_KEYS',
  passwordHashMemoryKiB: 'STRATA_PASSWORD_HASH_MEMORY_KIB',
  lockoutFailureAttempts: 'STRATA_LOCKOUT_FAILURE_ATTEMPTS',
  lockoutDurationSec: 'STRATA_LOCKOUT_DURATION',
  authFailuresPerMinute: 'STRATA_AUTH_FAILURES_PER_MINUTE',
  tokenCacheSec: 'STRATA_TOKEN_CACHE',
  policyFile: 'STRATA_POLICY_FILE',
  strictErrors: 'STRATA_STRICT_ERRORS',
  strictResponses: 'STRATA_STRICT_RESPONSES',
  computeDriver: 'STRATA_COMPUTE_DRIVER',
  fakeHosts: 'STRATA_FAKE_HOSTS',
  fakeHostShape: 'STRATA_FAKE_HOST_SHAPE',
  fakeCreateDelayMs: 'STRATA_FAKE_CREATE_DELAY_MS',
  hostReserved: 'STRATA_HOST_RESERVED',
  schedulerStrategy: 'STRATA_SCHEDULER_STRATEGY',
  serviceDownTimeSec: 'STRATA_SERVICE_DOWN_TIME',
  schedulerMaxAttempts: 'STRATA_SCHEDULER_MAX_ATTEMPTS',
  buildTimeoutSec: 'STRATA_BUILD_TIMEOUT',
  consoleTokenTtlSec: 'STRATA_CONSOLE_TOKEN_TTL',
  vifPluggingTimeoutSec: 'STRATA_VIF_PLUGGING_TIMEOUT',
  vifPluggingIsFatal: 'STRATA_VIF_PLUGGING_IS_FATAL',
  imageCacheIntervalSec: 'STRATA_IMAGE_CACHE_INTERVAL',
  imageCacheMaxUnusedSec: 'STRATA_IMAGE_CACHE_MAX_UNUSED',
  dataplane: 'STRATA_DATAPLANE',
  physicalNetworks: 'STRATA_PHYSICAL_NETWORKS',
  tunnelIp: 'STRATA_TUNNEL_IP',
  dnsDomain: 'STRATA_DNS_DOMAIN',
  computeQuotaDefaults: 'STRATA_COMPUTE_QUOTA_DEFAULTS',
  imageQuotaCount: 'STRATA_IMAGE_QUOTA_COUNT',
  imageQuotaBytes: 'STRATA_IMAGE_QUOTA_BYTES',
  imageSizeCap: 'STRATA_IMAGE_SIZE_CAP',
  volumeBackupDir: 'STRATA_VOLUME_BACKUP_DIR',
  volumeHost: 'STRATA_VOLUME_HOST',
  storageIp: 'STRATA_STORAGE_IP',
  nbdPort: 'STRATA_NBD_PORT',
  enableForceUpload: 'STRATA_ENABLE_FORCE_UPLOAD',
  volumeMaxOverSubscriptionRatio: 'STRATA_VOLUME_MAX_OVER_SUBSCRIPTION_RATIO',
  volumeReservedPercentage: 'STRATA_VOLUME_RESERVED_PERCENTAGE',
};

const numeric = new Set<keyof StrataConfig>([
  'tokenCacheSec',
  'fakeHosts',
  'fakeCreateDelayMs',
  'port',
  'tokenExpirationSec',
  'maxProjectTreeDepth',
  'tokenRotateAfterSec',
  'tokenMaxActiveKeys',
  'passwordHashMemoryKiB',
  'lockoutFailureAttempts',
  'lockoutDurationSec',
  'authFailuresPerMinute',
  'serviceDownTimeSec',
  'schedulerMaxAttempts',
  'buildTimeoutSec',
  'consoleTokenTtlSec',
  'vifPluggingTimeoutSec',
  'imageCacheIntervalSec',
  'imageCacheMaxUnusedSec',
  'imageQuotaCount',
  'imageQuotaBytes',
  'imageSizeCap',
  'nbdPort',
  'volumeMaxOverSubscriptionRatio',
  'volumeReservedPercentage',
]);

const booleans = new Set<keyof StrataConfig>([
  'strictErrors',
  'strictResponses',
  'vifPluggingIsFatal',
  'enableForceUpload',
]);

/** The data directory when none is given, under the working directory. */
export const defaultDataDirName = '.data';

/**
 * Configuration from, lowest to highest precedence: defaults, `<dataDir>/strata.yaml`
 * (or `configFile`), `STRATA_*` environment variables, then command-line flags.
 */
export function loadConfig(
  flags: ConfigInput,
  env: NodeJS.ProcessEnv = process.env,
  configFile?: string,
): StrataConfig {
  const fromEnv = readEnv(env);
  const dataDir = resolve(flags.dataDir ?? fromEnv.dataDir ?? defaultDataDirName);
  const file = configFile ?? join(dataDir, 'strata.yaml');
  const fromFile = existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as ConfigInput | null) ?? {}) : {};
  const merged: ConfigInput = { ...fromFile, ...fromEnv, ...definedOnly(flags), dataDir };
  return {
    dataDir,
    host: merged.host ?? '127.0.0.1',
    port: merged.port ?? 5000,
    databaseUrl: merged.databaseUrl ?? `sqlite:${join(dataDir, 'strata.db')}`,
    ...(merged.publicUrl !== undefined && { publicUrl: merged.publicUrl }),
    logLevel: merged.logLevel ?? 'info',
    logFile: merged.logFile ?? 'stdout',
    regionId: merged.regionId ?? 'RegionOne',
    tokenExpirationSec: merged.tokenExpirationSec ?? 3600,
    maxProjectTreeDepth: merged.maxProjectTreeDepth ?? 5,
    tokenRotateAfterSec: merged.tokenRotateAfterSec ?? 86_400,
    tokenMaxActiveKeys: merged.tokenMaxActiveKeys ?? 3,
    passwordHashMemoryKiB: merged.passwordHashMemoryKiB ?? 19_456,
    lockoutFailureAttempts: merged.lockoutFailureAttempts ?? 0,
    lockoutDurationSec: merged.lockoutDurationSec ?? 1800,
    authFailuresPerMinute: merged.authFailuresPerMinute ?? 20,
    tokenCacheSec: merged.tokenCacheSec ?? 5,
    ...(merged.policyFile !== undefined && { policyFile: merged.policyFile }),
    strictErrors: merged.strictErrors ?? false,
    strictResponses: merged.strictResponses ?? false,
    computeDriver: merged.computeDriver ?? 'auto',
    fakeHosts: merged.fakeHosts ?? 1,
    fakeHostShape: { vcpus: 64, memory_mb: 262_144, disk_gb: 4_096, ...merged.fakeHostShape },
    fakeCreateDelayMs: merged.fakeCreateDelayMs ?? 0,
    hostReserved: { cpus: 0, memory_mb: 512, disk_gb: 0, ...merged.hostReserved },
    schedulerStrategy: merged.schedulerStrategy ?? 'spread',
    serviceDownTimeSec: merged.serviceDownTimeSec ?? 60,
    schedulerMaxAttempts: Math.max(1, merged.schedulerMaxAttempts ?? 3),
    buildTimeoutSec: merged.buildTimeoutSec ?? 600,
    consoleTokenTtlSec: merged.consoleTokenTtlSec ?? 600,
    vifPluggingTimeoutSec: merged.vifPluggingTimeoutSec ?? 300,
    vifPluggingIsFatal: merged.vifPluggingIsFatal ?? true,
    imageCacheIntervalSec: merged.imageCacheIntervalSec ?? 600,
    imageCacheMaxUnusedSec: merged.imageCacheMaxUnusedSec ?? 86_400,
    dataplane: dataplaneOf(merged.dataplane),
    physicalNetworks: merged.physicalNetworks ?? '',
    ...(merged.tunnelIp !== undefined && { tunnelIp: merged.tunnelIp }),
    dnsDomain: merged.dnsDomain ?? 'openstacklocal.',
    computeQuotaDefaults: merged.computeQuotaDefaults ?? {},
    imageQuotaCount: merged.imageQuotaCount ?? -1,
    imageQuotaBytes: merged.imageQuotaBytes ?? -1,
    imageSizeCap: merged.imageSizeCap ?? 2 ** 40,
    volumeBackupDir: resolve(dataDir, merged.volumeBackupDir ?? 'backups'),
    volumeHost: merged.volumeHost ?? hostname(),
    storageIp: merged.storageIp ?? merged.host ?? '127.0.0.1',
    nbdPort: merged.nbdPort ?? 10_809,
    enableForceUpload: merged.enableForceUpload ?? false,
    volumeMaxOverSubscriptionRatio: merged.volumeMaxOverSubscriptionRatio ?? 1.0,
    volumeReservedPercentage: merged.volumeReservedPercentage ?? 0,
  };
}

function dataplaneOf(name: string | undefined): 'auto' | 'fake' | 'linux' {
  if (name === undefined || name === 'auto' || name === 'fake' || name === 'linux') return name ?? 'auto';
  throw new Error(`dataplane '${name}' is not one of auto, fake, linux`);
}

function readEnv(env: NodeJS.ProcessEnv): ConfigInput {
  const out: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(envNames) as Array<[keyof StrataConfig, string]>) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    out[key] = numeric.has(key) ? Number(v) : booleans.has(key) ? v === '1' || v === 'true' : v;
    if (key === 'computeQuotaDefaults' || key === 'hostReserved' || key === 'fakeHostShape')
      out[key] = keyNumberList(v);
  }
  return out as ConfigInput;
}

/** `instances=20,cores=40` → `{ instances: 20, cores: 40 }`. */
export function keyNumberList(text: string): Record<string, number> {
  const pairs = text.split(',').map((p) => p.split('=').map((s) => s.trim()));
  return Object.fromEntries(pairs.filter(([k, v]) => k && v).map(([k, v]) => [k, Number(v)]));
}

function definedOnly(o: ConfigInput): ConfigInput {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as ConfigInput;
}
