import type { VolumeRecord } from '../volumes/volume-store.js';
import type { NbdAddress } from '../exports/nbd-export-server.js';

/** An NBD export a consumer on another host connects to. */
export interface NbdTarget {
  readonly address: NbdAddress;
  readonly exportName: string;
}

/**
 * What a consumer connects to, as a Cinder driver's initialize_connection answers. On the
 * volume backend's host it is `file`, named by `name` in the pool; on another host it is
 * `nbd`: the export server's address and a per-attachment export name (the data is raw
 * there: the backend reads the qcow2). Network connectors in os-brick (rbd, sheepdog) name
 * their servers `hosts`/`ports`; both spellings are given. The file's path stays out either
 * way: tenants may call initialize_connection and read attachments, and never see host
 * paths (compute's agents are handed the path through the device seam). `qos_specs` are
 * the type's front-end specs (qos/qos-front-end.ts), or null, as Cinder gives them.
 */
export function connectionInfoOf(
  v: Pick<VolumeRecord, 'id'>,
  mode: string | null,
  qosSpecs: Readonly<Record<string, string | number>> | null = null,
  nbd?: NbdTarget,
): Record<string, unknown> {
  const common = {
    volume_id: v.id,
    serial: v.id,
    access_mode: mode ?? 'rw',
    encrypted: false,
    qos_specs: qosSpecs,
    discard: false,
  };
  if (nbd === undefined)
    return { driver_volume_type: 'file', data: { format: 'qcow2', name: `volume-${v.id}`, ...common } };
  const { host, port } = nbd.address;
  return {
    driver_volume_type: 'nbd',
    data: {
      format: 'raw',
      name: nbd.exportName,
      export_name: nbd.exportName,
      host,
      port,
      hosts: [host],
      ports: [String(port)],
      uri: nbdUriOf(nbd),
      ...common,
    },
  };
}

/** `nbd://host:port/export` (IPv6 addresses in brackets), QEMU's and libnbd's URI form. */
export function nbdUriOf(t: NbdTarget): string {
  const host = t.address.host.includes(':') ? `[${t.address.host}]` : t.address.host;
  return `nbd://${host}:${t.address.port}/${encodeURIComponent(t.exportName)}`;
}

/** The attach mode a connector asks for: its `mode`, else the attachment's, else read-write. */
export function modeOf(connector: Readonly<Record<string, unknown>>, fallback: string | null): string {
  const m = connector['mode'];
  return m === 'ro' || m === 'rw' ? m : (fallback ?? 'rw');
}

/**
 * The attachment's connection_info with `qos_specs` as the volume's type gives them now
 * (they change after attach when the type's QoS does, or a per-GB limit with an extend);
 * undefined when it already shows them, or has no data (a bare reservation).
 */
export function withQosSpecs(
  info: Readonly<Record<string, unknown>> | null,
  specs: Readonly<Record<string, string | number>> | null,
): Record<string, unknown> | undefined {
  const data = info?.['data'];
  if (info === null || typeof data !== 'object' || data === null) return undefined;
  const shown = (data as Record<string, unknown>)['qos_specs'] ?? null;
  if (sortedJson(shown) === sortedJson(specs)) return undefined;
  return { ...info, data: { ...data, qos_specs: specs } };
}

/** JSON of a flat spec map with its keys sorted: key order is no change. */
function sortedJson(specs: unknown): string {
  if (specs === null || typeof specs !== 'object') return JSON.stringify(specs ?? null);
  return JSON.stringify(Object.entries(specs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
