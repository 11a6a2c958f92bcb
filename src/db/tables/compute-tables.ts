import type { ColumnType, Generated } from 'kysely';
import type { Flag } from '../column-types.js';

type CreatedAt = ColumnType<string, string, never>;

/** Compute (Nova) and host-agent tables. */
export interface ComputeTables {
  flavors: FlavorTable;
  flavor_projects: FlavorProjectTable;
  keypairs: KeypairTable;
  servers: ServerTable;
  server_tags: ServerTagTable;
  instance_actions: InstanceActionTable;
  instance_action_events: InstanceActionEventTable;
  server_groups: ServerGroupTable;
  server_group_members: ServerGroupMemberTable;
  compute_hosts: ComputeHostTable;
  compute_quotas: ComputeQuotaTable;
  compute_quota_classes: ComputeQuotaClassTable;
  compute_project_usage: ComputeProjectUsageTable;
  migrations: MigrationTable;
  server_devices: ServerDeviceTable;
  server_ports: ServerPortTable;
  server_block_devices: ServerBlockDeviceTable;
  aggregates: AggregateTable;
  aggregate_hosts: AggregateHostTable;
  aggregate_metadata: AggregateMetadataTable;
  console_auth_tokens: ConsoleAuthTokenTable;
}

/**
 * One volume of a server's block device mapping (Nova's block_device_mapping, volume
 * destinations only): what was asked, and the volume it is (chosen before block
 * storage makes it, so a replayed create finds it).
 */
export interface ServerBlockDeviceTable {
  id: string;
  server_id: string;
  source_type: 'image' | 'volume' | 'snapshot' | 'blank';
  destination_type: 'local' | 'volume';
  uuid: string | null;
  volume_size: number | null;
  boot_index: number | null;
  device_name: string | null;
  delete_on_termination: number;
  volume_id: string | null;
  /** Order in the request. */
  position: number;
}

/**
 * A NIC or disk attached (or being attached or detached) to a server: the desired side
 * is written by the service that owns the device (network, block storage), the status by
 * the host agent; `generation` makes every write a compare-and-set.
 */
export interface ServerDeviceTable {
  /** The attachment's id. */
  id: string;
  server_id: string;
  kind: 'nic' | 'disk';
  /** The port id (nic) or volume id (disk). */
  device_id: string;
  /** JSON of the WorkloadNic or WorkloadDisk the agent hands its driver. */
  spec: string;
  desired: 'attached' | 'detached';
  status: 'attaching' | 'attached' | 'detaching' | 'error';
  /** Why the last step failed (status 'error'). */
  fault: string | null;
  generation: number;
  created_at: CreatedAt;
  updated_at: string;
}

export interface FlavorTable {
  /** Nova's `flavorid`: the id clients see (a UUID or an operator-chosen string). */
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
  ephemeral: number;
  swap: number;
  rxtx_factor: number;
  is_public: Flag;
  disabled: Flag;
  description: string | null;
  /** JSON object of extra specs. */
  extra_specs: string;
  created_at: CreatedAt;
}

export interface FlavorProjectTable {
  flavor_id: string;
  project_id: string;
}

export interface KeypairTable {
  /** Assigned by the database on insert, never reused (Nova's row id). */
  id: Generated<number>;
  user_id: string;
  name: string;
  type: 'ssh' | 'x509';
  public_key: string;
  fingerprint: string;
  created_at: CreatedAt;
}

export type ServerVmState =
  | 'building'
  | 'active'
  | 'stopped'
  | 'paused'
  | 'suspended'
  | 'resized'
  | 'rescued'
  | 'shelved'
  | 'shelved_offloaded'
  | 'soft_deleted'
  | 'deleted'
  | 'error';

/** Nova's task_states that Strata sets; what each means is in src/compute/servers/server-tasks.ts. */
export type ServerTaskState =
  | 'block_device_mapping'
  | 'scheduling'
  | 'spawning'
  | 'rebooting'
  | 'rebooting_hard'
  | 'powering-off'
  | 'powering-on'
  | 'pausing'
  | 'unpausing'
  | 'suspending'
  | 'resuming'
  | 'rebuilding'
  | 'image_snapshot'
  | 'crash_dumping'
  | 'resize_prep'
  | 'resize_migrating'
  | 'resize_confirming'
  | 'resize_reverting'
  | 'deleting';

export type ServerPowerState = 0 | 1 | 3 | 4 | 6 | 7; // NOSTATE RUNNING PAUSED SHUTDOWN CRASHED SUSPENDED

export interface ServerTable {
  id: string;
  project_id: string;
  user_id: string;
  name: string;
  hostname: string;
  description: string | null;
  /** Flavor as booted, embedded like Nova (JSON); survives flavor deletion. */
  flavor: string;
  flavor_id: string;
  /** Copied from the flavor for quota counting and scheduling without parsing JSON. */
  vcpus: number;
  memory_mb: number;
  root_gb: number;
  image_id: string;
  key_name: string | null;
  key_data: string | null;
  user_data: string | null;
  /** JSON object of metadata; JSON array of tags. */
  metadata: string;
  tags: string;
  /** JSON of the requested networks ('auto' | 'none' | list). */
  networks: string;
  availability_zone: string | null;
  config_drive: Flag;
  access_ipv4: string;
  access_ipv6: string;
  reservation_id: string;
  launch_index: number;
  server_group_id: string | null;
  vm_state: ServerVmState;
  /** Nova's task_state: what is in progress ('scheduling', 'spawning', 'rebooting', ...), or null. */
  task_state: ServerTaskState | null;
  power_state: ServerPowerState;
  /** Desired side, written by the API: 'on' | 'off' | 'paused' | 'suspended' | 'deleted'. */
  desired_power: string;
  /** Observed side, written by the agent, with when and why. */
  observed_power: string | null;
  observed_at: string | null;
  observed_reason: string | null;
  /** Bumped on every write; compare-and-set guard for API workers and reconcilers. */
  generation: number;
  host: string | null;
  node: string | null;
  /** JSON of the scheduler's decision and report. */
  scheduling: string | null;
  /** JSON array of BuildAttempt: every host a build was placed on, in order (migration 0007). */
  build_attempts: ColumnType<string, string | undefined, string>;
  locked: Flag;
  locked_by: 'owner' | 'admin' | null;
  locked_reason: string | null;
  /** JSON fault {code, message, details, created}, or null. */
  fault: string | null;
  /** JSON of the target flavor during resize, and of the previous one until confirmed. */
  new_flavor: string | null;
  old_flavor: string | null;
  /** The queued image a createImage action is filling (the agent uploads into it). */
  pending_image_id: string | null;
  /** The driver's handle for the workload (JSON), written by the agent so a restart can re-attach. */
  workload_handle: string | null;
  launched_at: string | null;
  terminated_at: string | null;
  created_at: CreatedAt;
  updated_at: string;
  deleted_at: string | null;
}

export interface InstanceActionTable {
  id: string;
  server_id: string;
  request_id: string;
  action: string;
  project_id: string;
  user_id: string;
  start_time: string;
  finish_time: string | null;
  message: string | null;
}

export interface InstanceActionEventTable {
  id: string;
  action_id: string;
  event: string;
  start_time: string;
  finish_time: string | null;
  result: 'Success' | 'Error' | null;
  host: string | null;
  details: string | null;
}

export interface ServerGroupTable {
  id: string;
  name: string;
  policy: 'affinity' | 'anti-affinity' | 'soft-affinity' | 'soft-anti-affinity';
  /** JSON object, e.g. {"max_server_per_host": 1}. */
  rules: string;
  project_id: string;
  user_id: string;
  created_at: CreatedAt;
}

/** One tag of a server (compute 2.26). */
export interface ServerTagTable {
  server_id: string;
  tag: string;
}

export interface ServerGroupMemberTable {
  group_id: string;
  server_id: string;
}

/** A host running `strata agent`: Nova's compute service and hypervisor in one row. */
export interface ComputeHostTable {
  id: string;
  /** Nova's integer service and hypervisor id (before 2.53); see migration 0015. */
  service_number: number;
  hostname: string;
  /** Driver name ('fake', 'qemu', 'runc', ...). */
  driver: string;
  /** The zone the host is in: its aggregates' availability_zone, else registered_zone. */
  availability_zone: string;
  /** The zone the agent registered (default `nova`); the host falls back to it outside zoned aggregates. */
  registered_zone: ColumnType<string, string | undefined, string>;
  /** Operator switch: 'enabled' | 'disabled'. */
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  forced_down: Flag;
  last_heartbeat: string;
  /** The host's resource provider in placement. */
  provider_id: string;
  /** Underlay address for VXLAN tunnels (migration 0021); null when the agent gave none. */
  tunnel_ip: string | null;
  /** The agent's network dataplane ('linux', 'fake'; migration 0026); null before it said. */
  dataplane: string | null;
  vcpus: number;
  memory_mb: number;
  local_gb: number;
  /** JSON of driver facts (accelerator, versions, ...). */
  facts: string;
  created_at: CreatedAt;
}

export interface ComputeQuotaTable {
  project_id: string;
  resource: string;
  hard_limit: number;
}

/** A quota class's limit for one resource (migration 0030). */
export interface ComputeQuotaClassTable {
  class_name: string;
  resource: string;
  hard_limit: number;
}

/** Kept by triggers on `servers` (migration 0005): what a project's live servers add up to. */
export interface ComputeProjectUsageTable {
  project_id: string;
  instances: number;
  cores: number;
  ram: number;
}

export interface MigrationTable {
  id: number;
  uuid: string;
  server_id: string;
  migration_type: 'resize' | 'migration' | 'live-migration' | 'evacuation';
  status: string;
  source_compute: string | null;
  dest_compute: string | null;
  old_flavor_id: string;
  new_flavor_id: string;
  project_id: string;
  user_id: string;
  created_at: CreatedAt;
  updated_at: string;
}

/** A port on a server, as compute asked for it (migration 0013). */
export interface ServerPortTable {
  server_id: string;
  port_id: string;
  network_id: string;
  /** 1: the user's port, unbound on delete; 0: compute created it and deletes it. */
  preserve_on_delete: number;
  created_at: string;
}

/** A host aggregate (Nova's os-aggregates); its uuid is also the placement aggregate of its hosts' providers. */
export interface AggregateTable {
  /** Nova's integer id. */
  id: number;
  uuid: string;
  name: string;
  created_at: CreatedAt;
  updated_at: string | null;
}

export interface AggregateHostTable {
  aggregate_id: number;
  /** compute_hosts.hostname. */
  host: string;
  /** Keeps the hosts in the order they were added. */
  added_at: string;
}

/** Key/value metadata; `availability_zone` puts the aggregate's hosts in that zone. */
export interface AggregateMetadataTable {
  aggregate_id: number;
  key: string;
  value: string;
}

/** A remote console's one-time token (Nova's console_auth_tokens), stored as its SHA-256 hash. */
export interface ConsoleAuthTokenTable {
  token_hash: string;
  console_type: string;
  instance_uuid: string;
  /** The host whose agent serves the console (the server's host when the token was made). */
  host: string;
  /** ISO-8601 UTC; the token is refused from then on. */
  expires: string;
  created_at: CreatedAt;
}
