import { randomUUID } from 'node:crypto';
import type { ServerRow } from '../servers/server-store.js';

/** The flavor JSON a server row embeds (1 vCPU, 512 MB, 1 GB unless told otherwise). */
export function embeddedFlavor(over: { id?: string; disk?: number } = {}): string {
  const id = over.id ?? 'f';
  return JSON.stringify({
    id,
    name: id,
    vcpus: 1,
    ram: 512,
    disk: over.disk ?? 1,
    ephemeral: 0,
    swap: 0,
    extraSpecs: {},
  });
}

/**
 * A server row for tests that write the servers table directly: by default as POST /servers
 * writes it, waiting in task 'scheduling' with no host. Override what the test is about.
 */
export function serverRow(over: Partial<ServerRow> = {}): ServerRow {
  const id = over.id ?? randomUUID();
  const now = over.created_at ?? new Date().toISOString();
  return {
    id,
    project_id: 'p',
    user_id: 'u',
    name: `srv-${id.slice(0, 8)}`,
    hostname: `srv-${id.slice(0, 8)}`,
    description: null,
    flavor: embeddedFlavor(),
    flavor_id: 'f',
    vcpus: 1,
    memory_mb: 512,
    root_gb: 1,
    image_id: 'img',
    key_name: null,
    key_data: null,
    user_data: null,
    metadata: '{}',
    tags: '[]',
    networks: '"auto"',
    availability_zone: null,
    config_drive: 0,
    access_ipv4: '',
    access_ipv6: '',
    reservation_id: 'r-test',
    launch_index: 0,
    server_group_id: null,
    vm_state: 'building',
    task_state: 'scheduling',
    power_state: 0,
    desired_power: 'on',
    observed_power: null,
    observed_at: null,
    observed_reason: null,
    generation: 1,
    host: null,
    node: null,
    scheduling: null,
    build_attempts: '[]',
    locked: 0,
    locked_by: null,
    locked_reason: null,
    fault: null,
    new_flavor: null,
    old_flavor: null,
    pending_image_id: null,
    workload_handle: null,
    launched_at: null,
    terminated_at: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
    ...over,
  };
}
