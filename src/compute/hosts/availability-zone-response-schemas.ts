import Type from 'typebox';
import { bool, nullable, nullableStr, str, strict } from '../../common/http/response-schemas.js';

/** GET /os-availability-zone[/detail] (api-ref "Availability zones"). */

const service = strict({ available: bool, active: bool, updated_at: nullableStr });

function zones(hosts: ReturnType<typeof Type.Null> | ReturnType<typeof hostMap>) {
  return strict({
    availabilityZoneInfo: Type.Array(
      strict({ zoneName: str, zoneState: strict({ available: bool }), hosts }),
    ),
  });
}

/** host name → service binary → state; null for an unavailable zone. */
function hostMap() {
  return nullable(Type.Record(str, Type.Record(str, service)));
}

export const availabilityZoneListResponse = zones(Type.Null());
export const availabilityZoneDetailResponse = zones(hostMap());
