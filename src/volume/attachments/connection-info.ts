import type { VolumeRecord } from '../volumes/volume-store.js';

/**
 * What a consumer connects to, as a Cinder driver's initialize_connection answers: this
 * backend's volumes are qcow2 files in the pool, so `driver_volume_type` is `file`, named by
 * `name` in the volume host's pool. The file's path stays out: tenants may call
 * initialize_connection and read attachments, and never see host paths (compute's agents
 * are handed the path through the device seam). There is no NBD export server yet, so a
 * consumer on another host has nothing to connect to. `qos_specs` are the type's front-end
 * specs (qos/qos-front-end.ts), or null, as Cinder gives them.
 */
export function connectionInfoOf(
  v: Pick<VolumeRecord, 'id'>,
  mode: string | null,
  qosSpecs: Readonly<Record<string, string | number>> | null = null,
): Record<string, unknown> {
  return {
    driver_volume_type: 'file',
    data: {
      format: 'qcow2',
      name: `volume-${v.id}`,
      volume_id: v.id,
      serial: v.id,
      access_mode: mode ?? 'rw',
      encrypted: false,
      qos_specs: qosSpecs,
      discard: false,
    },
  };
}

/** The attach mode a connector asks for: its `mode`, else the attachment's, else read-write. */
export function modeOf(connector: Readonly<Record<string, unknown>>, fallback: string | null): string {
  const m = connector['mode'];
  return m === 'ro' || m === 'rw' ? m : (fallback ?? 'rw');
}
