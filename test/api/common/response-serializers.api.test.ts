import { describe, expect, it } from 'vitest';
import { responseRanges } from '../../../src/common/http/response-ranges.js';
import { serializerFor } from '../../../src/common/http/response-serializer.js';
import type { RouteSpec } from '../../../src/common/http/route-spec.js';
import { computeRouteTable } from '../../../src/compute/index.js';
import { volumeAttachmentRoutes } from '../../../src/compute/volume-attachments/volume-attachment-routes.js';
import { identityRouteTable } from '../../../src/identity/index.js';
import { imageRouteTable } from '../../../src/image/index.js';
import { networkRouteTable } from '../../../src/network/index.js';
import { volumeRouteTable } from '../../../src/volume/index.js';

// Serializers compile on first use in a running cloud; this compiles every one up front,
// so a schema fast-json-stringify cannot read fails here, not on a client's request.
describe('response serializers', () => {
  const routes: ReadonlyArray<RouteSpec<never>> = [
    ...computeRouteTable,
    ...volumeAttachmentRoutes({} as never),
    ...identityRouteTable,
    ...imageRouteTable,
    ...networkRouteTable,
    ...volumeRouteTable,
  ] as ReadonlyArray<RouteSpec<never>>;

  it('compiles for every range of every declared response schema', () => {
    const failed: string[] = [];
    let compiled = 0;
    for (const r of routes) {
      if (r.response === undefined) continue;
      for (const range of responseRanges(r.response)) {
        try {
          if (serializerFor(range.schema) !== undefined) compiled += 1;
        } catch (err) {
          failed.push(`${r.method} ${r.url} from ${range.from.join('.')}: ${String(err)}`);
        }
      }
    }
    expect(failed).toEqual([]);
    expect(compiled).toBeGreaterThan(50);
  });
});
