import Fastify from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import type { FaultDialect } from '../faults/fault-dialect.js';
import type { PolicyEnforcer } from '../policy/policy-engine.js';
import type { TokenValidator } from './auth-context.js';
import { responseMismatch, serializeResult } from './response-body.js';
import { byMicroversion, nullableStr, str, strict, stringMap } from './response-schemas.js';
import { compileResponseSerializer, serializedDrift, serializerFor } from './response-serializer.js';
import type { ResponseSchemas } from './route-spec.js';
import { noBody, route } from './route-spec.js';
import { serviceRoutes } from './service-routes.js';

const thing = (extra: Record<string, ReturnType<typeof Type.String>> = {}) => strict({ id: str, ...extra });

/** Writes `body` with the serializer the schema gives at `v`, and reads it back. */
const roundTrip = (schemas: ResponseSchemas, body: unknown, v?: [number, number]) =>
  JSON.parse(compileResponseSerializer(schemas)(v)!(body)) as unknown;

describe('compileResponseSerializer', () => {
  const versioned = byMicroversion(['2.19'], (since) =>
    strict({ server: thing(since('2.19') ? { description: str } : {}) }),
  );
  const body = { server: { id: 'a', description: 'd' } };

  it('picks the schema of the request microversion', () => {
    expect(roundTrip(versioned, body, [2, 1])).toEqual({ server: { id: 'a' } });
    expect(roundTrip(versioned, body, [2, 18])).toEqual({ server: { id: 'a' } });
    expect(roundTrip(versioned, body, [2, 19])).toEqual(body);
    expect(roundTrip(versioned, body, [2, 60])).toEqual(body);
  });

  it('uses the one schema when the service has no microversions, none where no range covers', () => {
    expect(roundTrip(thing(), { id: 'a', host: 'h' }, undefined)).toEqual({ id: 'a' });
    const only = compileResponseSerializer([{ from: '2.50', schema: thing() }]);
    expect(only([2, 1])).toBeUndefined();
  });

  it('compiles a schema once, however many routes and requests use it', () => {
    const schema = thing();
    const a = compileResponseSerializer(schema);
    const b = compileResponseSerializer([{ schema }]);
    expect(a(undefined)).toBe(b([2, 1]));
    expect(serializerFor(schema)).toBe(a([2, 90]));
  });

  it('keeps every key of metadata maps and of objects that allow any field', () => {
    const schema = strict({
      metadata: stringMap,
      properties: Type.Object({ name: str }, { additionalProperties: true }),
      loose: Type.Object({ name: str }),
    });
    const b = {
      metadata: { a: '1', 'b/c': '2' },
      properties: { name: 'n', os_distro: 'cirros', hw_disk_bus: 'virtio' },
      loose: { name: 'n', extra: { deep: [1, 2] } },
    };
    expect(roundTrip(schema, b)).toEqual(b);
  });

  it('writes nullable fields both ways and picks the union branch that fits', () => {
    const schema = strict({
      description: nullableStr,
      image: Type.Union([Type.Literal(''), strict({ id: str })]),
      disk: Type.Union([Type.Literal('MANUAL'), Type.Literal('AUTO')]),
    });
    for (const b of [
      { description: null, image: '', disk: 'AUTO' },
      { description: 'x', image: { id: 'i' }, disk: 'MANUAL' },
    ])
      expect(roundTrip(schema, b)).toEqual(b);
  });

  it('has no serializer for a body-less schema, and serializes the bodies beside one', () => {
    expect(compileResponseSerializer(noBody)(undefined)).toBeUndefined();
    const action = Type.Union([noBody, strict({ output: str })]);
    expect(roundTrip(action, { output: 'log', extra: 1 })).toEqual({ output: 'log' });
  });
});

describe('serializedDrift', () => {
  it('names the field a serializer dropped or changed', () => {
    expect(serializedDrift({ a: { b: 1 } }, '{"a":{"b":1}}')).toBeUndefined();
    expect(serializedDrift({ a: { b: 1, c: 2 } }, '{"a":{"b":1}}')).toBe('/a/c: dropped by the serializer');
    expect(serializedDrift({ a: [1] }, '{"a":["1"]}')).toBe('/a/0: serialized as "1"');
  });
});

describe('serializeResult', () => {
  const ctx = () => ({
    route: 'GET /thing',
    microversion: undefined,
    successStatus: 200,
    log: { error: () => undefined } as never,
  });
  const dropping = () => () => '{"id":"x"}';

  it('fails loudly when the serializer changes the body', () => {
    expect(() => serializeResult(dropping, { id: 'x', host: 'h' }, ctx())).toThrow(responseMismatch);
  });

  it('leaves raw text, absent bodies and routes without a serializer alone', () => {
    expect(serializeResult(dropping, '{"pre":"written"}', ctx())).toBe('{"pre":"written"}');
    expect(serializeResult(dropping, undefined, ctx())).toBeUndefined();
    expect(serializeResult(undefined, { id: 'x' }, ctx())).toEqual({ id: 'x' });
  });

  it('answers a body the serializer refuses with the mismatch, naming the reason', () => {
    const refusing = () => () => {
      throw new Error('"id" is required!');
    };
    expect(() => serializeResult(refusing, { name: 'n' }, ctx())).toThrow(
      /refused the body.*"id" is required/,
    );
  });
});

describe('serialized responses in serviceRoutes', () => {
  const fault: FaultDialect = (err) => ({ status: err.status, body: { error: err.message } });
  const app = async (strictResponses: boolean, body: unknown) => {
    const a = Fastify();
    await a.register(
      serviceRoutes({
        name: 'test',
        prefix: '/t',
        deps: {},
        fault,
        tokens: {} as TokenValidator,
        policy: {} as PolicyEnforcer,
        malformedBodyMessage: 'bad',
        strictResponses,
        microversions: { serviceType: 'compute', min: [2, 1], max: [2, 30] },
        routes: [
          route<object>({
            method: 'GET',
            url: '/thing',
            auth: 'none',
            successStatus: 200,
            expectedErrors: [],
            response: byMicroversion(['2.19'], (since) =>
              strict({ thing: thing(since('2.19') ? { description: str } : {}) }),
            ),
            handler: async () => body,
          }),
        ],
      }),
      { prefix: '/t' },
    );
    return a;
  };

  it('in production writes the body with JSON.stringify, as the handler made it (measured faster)', async () => {
    const res = await (await app(false, { thing: { id: 'x', host: 'h' } })).inject({ url: '/t/thing' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json()).toEqual({ thing: { id: 'x', host: 'h' } });
  });

  it('in strict mode serializes with the schema of the negotiated microversion', async () => {
    const a = await app(true, { thing: { id: 'x', description: 'd' } });
    const at = (v: string) =>
      a.inject({ url: '/t/thing', headers: { 'openstack-api-version': `compute ${v}` } });
    const now = await at('2.19');
    expect(now.statusCode).toBe(200);
    expect(now.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(now.json()).toEqual({ thing: { id: 'x', description: 'd' } });
    // Before 2.19 the schema has no description: strict mode names it rather than drop it.
    expect((await at('2.18')).statusCode).toBe(500);
  });

  it('still answers 500 naming a stray field when strict', async () => {
    const res = await (await app(true, { thing: { id: 'x', host: 'h' } })).inject({ url: '/t/thing' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain(responseMismatch);
    expect(res.body).toContain('host');
  });
});
