import { describe, expect, it } from 'vitest';
import { parseCreate, parseUpdate } from '../network-attributes.js';
import { routerAttributes } from './router-schemas.js';

const net = '2f1c8a7e-1b1a-4c63-9f51-7a4e0c7b2a10';
const message = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

describe('router attributes', () => {
  it('turns an empty gateway into none and converts enable_snat', () => {
    expect(parseUpdate(routerAttributes, { external_gateway_info: {} })).toEqual({
      external_gateway_info: null,
    });
    expect(
      parseCreate(routerAttributes, { external_gateway_info: { network_id: net, enable_snat: 'false' } }),
    ).toEqual({ external_gateway_info: { network_id: net, enable_snat: false } });
  });

  it("refuses gateways as neutron-lib's dict validator does", () => {
    expect(
      message(() => parseCreate(routerAttributes, { external_gateway_info: { enable_snat: true } })),
    ).toBe(
      "Invalid input for external_gateway_info. Reason: Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: {'enable_snat'}.",
    );
    expect(
      message(() => parseCreate(routerAttributes, { external_gateway_info: { network_id: net, qos: 1 } })),
    ).toBe('Invalid input for external_gateway_info. Reason: Unexpected keys supplied: qos.');
    expect(message(() => parseCreate(routerAttributes, { external_gateway_info: { network_id: 'x' } }))).toBe(
      "Invalid input for external_gateway_info. Reason: 'x' is not a valid UUID.",
    );
  });

  it('takes routes on update only, validated as host routes', () => {
    const route = { destination: '10.1.0.0/24', nexthop: '10.0.0.5' };
    expect(message(() => parseCreate(routerAttributes, { routes: [route] }))).toBe(
      "Attribute 'routes' not allowed in POST",
    );
    expect(parseUpdate(routerAttributes, { routes: null })).toEqual({ routes: [] });
    expect(message(() => parseUpdate(routerAttributes, { routes: [route, route] }))).toBe(
      "Invalid input for routes. Reason: Duplicate hostroute '{'destination': '10.1.0.0/24', 'nexthop': '10.0.0.5'}'.",
    );
    expect(
      message(() => parseUpdate(routerAttributes, { routes: [{ destination: 'x', nexthop: '10.0.0.5' }] })),
    ).toBe("Invalid input for routes. Reason: 'x' is not a valid CIDR.");
  });

  it('does not know distributed or ha (no dvr or l3-ha extension)', () => {
    expect(message(() => parseCreate(routerAttributes, { distributed: true }))).toBe(
      "Unrecognized attribute(s) 'distributed'",
    );
  });
});
