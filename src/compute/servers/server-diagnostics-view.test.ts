import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import type { WorkloadHandle } from '../../agent/drivers/driver.js';
import { serverDiagnosticsResponse } from './server-diagnostics-schemas.js';
import { parseHandle } from './server-diagnostics-service.js';
import type { DiagnosticsSource } from './server-diagnostics-view.js';
import { serverDiagnosticsView } from './server-diagnostics-view.js';
import type { Server } from './server-model.js';
import type { ServerRow } from './server-store.js';
import { toServer } from './server-store.js';

const launched = '2025-01-01T00:00:00.000Z';
const now = new Date('2025-01-01T01:00:30.000Z');

/** A server as the store reads it (built from a row, so it follows the model as it grows). */
function server(over: Partial<Server> = {}): Server {
  const row: ServerRow = {
    id: 'srv-1',
    project_id: 'p',
    user_id: 'u',
    name: 'web',
    hostname: 'web',
    description: null,
    flavor: JSON.stringify({
      id: 'f',
      name: 'm1.small',
      vcpus: 1,
      ram: 512,
      disk: 1,
      ephemeral: 0,
      swap: 0,
      extraSpecs: {},
    }),
    flavor_id: 'f',
    vcpus: 1,
    memory_mb: 512,
    root_gb: 1,
    image_id: 'img',
    key_name: null,
    key_data: 'ssh-ed25519 AAAA secret-ish',
    user_data: 'c2VjcmV0',
    metadata: '{}',
    tags: '[]',
    networks: '"auto"',
    availability_zone: null,
    config_drive: 0,
    access_ipv4: '',
    access_ipv6: '',
    reservation_id: 'r-1',
    launch_index: 0,
    server_group_id: null,
    vm_state: 'active',
    task_state: null,
    power_state: 1,
    desired_power: 'on',
    observed_power: 'running',
    observed_at: launched,
    observed_reason: null,
    generation: 3,
    host: 'host-1',
    node: 'host-1',
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
    launched_at: launched,
    terminated_at: null,
    created_at: launched,
    updated_at: launched,
    deleted_at: null,
  };
  return { ...toServer(row), ...over };
}

const qemuHandle: WorkloadHandle = {
  workloadId: 'srv-1',
  driver: 'qemu',
  stateVersion: 1,
  state: { workloadDir: '/var/lib/strata/qemu/srv-1', pid: 4242 },
  diagnostics: { cpu_count: 2, memory_mb: 1024, disk_gb: 10, accelerator: 'tcg', disk_format: 'qcow2' },
};

const view = (src: Partial<DiagnosticsSource>) =>
  serverDiagnosticsView({ server: server(), handle: undefined, hostDriver: undefined, now, ...src });
const fitsSchema = Compile(serverDiagnosticsResponse);

describe('server-diagnostics-view', () => {
  it('shows what the qemu driver reported: accelerator, disk format and the sizes the VM runs with', () => {
    const d = view({ handle: qemuHandle, hostDriver: 'qemu+runc' });
    expect(d).toEqual({
      driver: 'qemu',
      power_state: 'running',
      cpu_count: 2,
      memory_mb: 1024,
      disk_gb: 10,
      accelerator: 'tcg',
      disk_format: 'qcow2',
      uptime: 3630,
    });
    expect(fitsSchema.Check(d)).toBe(true);
  });

  it('copes with the fake handle: flavor sizes, and nothing of the spec it keeps', () => {
    const fake: WorkloadHandle = {
      workloadId: 'srv-1',
      driver: 'fake',
      stateVersion: 1,
      state: { spec: { userData: 'c2VjcmV0', keyData: 'ssh-ed25519 AAAA', vcpus: 64 } },
    };
    const d = view({ handle: fake, hostDriver: 'fake' });
    expect(d).toEqual({
      driver: 'fake',
      power_state: 'running',
      cpu_count: 1,
      memory_mb: 512,
      disk_gb: 1,
      uptime: 3630,
    });
    expect(fitsSchema.Check(d)).toBe(true);
  });

  it('shows the runc rootfs mode', () => {
    const runc: WorkloadHandle = {
      workloadId: 'srv-1',
      driver: 'runc',
      stateVersion: 1,
      state: { imageKey: 'sha256-abc', rootfsMode: 'overlay' },
      diagnostics: { rootfs_mode: 'overlay' },
    };
    expect(view({ handle: runc })).toMatchObject({ driver: 'runc', rootfs_mode: 'overlay' });
  });

  it('takes no unknown key and no mistyped value from what a driver reported, nor its private state', () => {
    const v2 = view({ handle: { ...qemuHandle, diagnostics: {} } });
    expect(v2).toEqual({
      driver: 'qemu',
      power_state: 'running',
      cpu_count: 1,
      memory_mb: 512,
      disk_gb: 1,
      uptime: 3630,
    });
    const odd = view({
      handle: {
        ...qemuHandle,
        diagnostics: { cpu_count: '2', memory_mb: -1, accelerator: 'hvf', disk_format: 7, path: '/var/lib' },
      },
    });
    expect(odd).toEqual(v2);
    const { diagnostics: _none, ...bare } = qemuHandle;
    expect(view({ handle: bare })).toEqual(v2);
  });

  it('names the driver of a one-driver host when no handle is stored, but not of a driver set', () => {
    expect(view({ hostDriver: 'fake' })['driver']).toBe('fake');
    expect(view({ hostDriver: 'qemu+runc' })).not.toHaveProperty('driver');
    expect(view({})).not.toHaveProperty('driver');
  });

  it('leaves out sizes and driver facts while a task is in progress', () => {
    const d = view({
      server: server({ taskState: 'resize_migrating' }),
      handle: qemuHandle,
      hostDriver: 'qemu',
    });
    expect(d).toEqual({ driver: 'qemu', power_state: 'running', uptime: 3630 });
  });

  it('leaves out uptime for a server never launched', () => {
    expect(view({ server: server({ launchedAt: null }) })).not.toHaveProperty('uptime');
  });
});

describe('server-diagnostics-service parseHandle', () => {
  it('reads a stored handle and refuses anything else without throwing', () => {
    expect(parseHandle(JSON.stringify(qemuHandle))).toEqual(qemuHandle);
    expect(parseHandle(null)).toBeUndefined();
    expect(parseHandle('{not json')).toBeUndefined();
    expect(parseHandle('"qemu"')).toBeUndefined();
    expect(parseHandle(JSON.stringify({ driver: 'qemu', stateVersion: 1 }))).toBeUndefined();
  });
});
