import type { Static } from 'typebox';
import Type from 'typebox';

const count = (description: string) => Type.Optional(Type.Integer({ minimum: 0, description }));

/**
 * GET /servers/{server_id}/diagnostics before microversion 2.48: a free-form object of
 * driver-specific keys (Nova's libvirt driver answers `cpu0_time`, `vda_read`, ...).
 * Strata answers only what the control plane knows for sure, so a key is left out rather
 * than guessed: the driver's sizes come from the workload handle the agent stored, or,
 * for a server with no task in progress, from the flavor the workload was built with.
 */
export const serverDiagnosticsResponse = Type.Object(
  {
    driver: Type.Optional(
      Type.String({ description: "The compute driver running the workload, e.g. 'qemu', 'runc', 'fake'." }),
    ),
    power_state: Type.String({
      description: "Nova's name of the power state last observed on the host: 'running'.",
    }),
    cpu_count: count('Virtual CPUs the workload runs with.'),
    memory_mb: count('Memory of the workload in MiB.'),
    disk_gb: count('Size of the root disk in GiB.'),
    uptime: count(
      'Seconds since the server was launched (built or rebuilt), as Nova computes it; a reboot does not reset it.',
    ),
    accelerator: Type.Optional(
      Type.Union([Type.Literal('kvm'), Type.Literal('tcg')], {
        description: 'qemu: hardware virtualization (kvm) or software emulation (tcg).',
      }),
    ),
    disk_format: Type.Optional(
      Type.String({ description: "qemu: format of the image the root disk overlays, e.g. 'qcow2'." }),
    ),
    rootfs_mode: Type.Optional(
      Type.Union([Type.Literal('overlay'), Type.Literal('copy')], {
        description: "runc: the container's root filesystem is an overlayfs over the image, or a copy.",
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Diagnostics of a running server (microversion 2.1: driver-specific keys).',
  },
);

export type ServerDiagnostics = Static<typeof serverDiagnosticsResponse>;

const nullableInt = Type.Union([Type.Integer(), Type.Null()]);
const nullableText = Type.Union([Type.String(), Type.Null()]);
const strictObject = <T extends Parameters<typeof Type.Object>[0]>(props: T) =>
  Type.Object(props, { additionalProperties: false });

/** From 2.48: Nova's standard diagnostics (api-ref "Servers diagnostics"), null where unknown. */
export const standardDiagnosticsResponse = strictObject({
  state: Type.String(),
  driver: Type.String(),
  hypervisor: nullableText,
  hypervisor_os: nullableText,
  uptime: nullableInt,
  config_drive: Type.Boolean(),
  num_cpus: nullableInt,
  num_nics: nullableInt,
  num_disks: nullableInt,
  cpu_details: Type.Array(strictObject({ id: nullableInt, time: nullableInt, utilisation: nullableInt })),
  disk_details: Type.Array(
    strictObject({
      read_bytes: nullableInt,
      read_requests: nullableInt,
      write_bytes: nullableInt,
      write_requests: nullableInt,
      errors_count: nullableInt,
    }),
  ),
  nic_details: Type.Array(
    strictObject({
      mac_address: nullableText,
      rx_octets: nullableInt,
      rx_errors: nullableInt,
      rx_drop: nullableInt,
      rx_packets: nullableInt,
      rx_rate: nullableInt,
      tx_octets: nullableInt,
      tx_errors: nullableInt,
      tx_drop: nullableInt,
      tx_packets: nullableInt,
      tx_rate: nullableInt,
    }),
  ),
  memory_details: strictObject({ maximum: nullableInt, used: nullableInt }),
});

export const serverDiagnosticsResponses = [
  { until: '2.47', schema: serverDiagnosticsResponse },
  { from: '2.48', schema: standardDiagnosticsResponse },
];
