import Type from 'typebox';
import { int, str, strict } from '../../common/http/response-schemas.js';

/** GET /servers/{id}/ips[/{label}] (api-ref "Servers IPs"): version and addr only. */

const address = strict({ version: int, addr: str });

export const serverIpsResponse = strict({ addresses: Type.Record(str, Type.Array(address)) });

/** `{"<network label>": [...]}` */
export const serverIpsByNetworkResponse = Type.Record(str, Type.Array(address), {
  minProperties: 1,
  maxProperties: 1,
});
