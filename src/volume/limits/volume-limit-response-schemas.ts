import Type from 'typebox';
import { int, strict } from '../../common/http/response-schemas.js';

/** Cinder's limits (api-ref "Limits (limits)"): no rate limits, the absolute ones and their use. */
const absolute = strict(
  Object.fromEntries(
    [
      'maxTotalVolumes',
      'maxTotalSnapshots',
      'maxTotalVolumeGigabytes',
      'maxTotalBackups',
      'maxTotalBackupGigabytes',
      'totalVolumesUsed',
      'totalGigabytesUsed',
      'totalSnapshotsUsed',
      'totalBackupsUsed',
      'totalBackupGigabytesUsed',
    ].map((k) => [k, int]),
  ),
);

export const volumeLimitsResponse = strict({
  limits: strict({ rate: Type.Array(Type.Unknown()), absolute }),
});
