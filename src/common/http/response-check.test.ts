import Fastify from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import type { FaultDialect } from '../faults/fault-dialect.js';
import type { PolicyEnforcer } from '../policy/policy-engine.js';
import type { TokenValidator } from './auth-context.js';
import { compileResponseChecker } from './response-check.js';
import { route } from './route-spec.js';
import { responseMismatch, serviceRoutes } from './service-routes.js';

const thing = (extra: Record<string, ReturnType<typeof Type.String>> = {}) =>
  Type.Object({ id: Type.String(), ...extra }, { additionalProperties: false });

describe('compileResponseChecker', () => {
  const check = compileResponseChecker([
    { until: '2.18', schema: thing() },
    { from: '2.19', schema: thing({ description: Type.String() }) },
  ]);

  it('picks the schema of the request microversion', () => {
    expect(check({ id: 'a' }, [2, 1])).toEqual([]);
    expect(check({ id: 'a', description: 'd' }, [2, 19])).toEqual([]);
  });

  it('names a field one version too early and one missing', () => {
    expect(check({ id: 'a', description: 'd' }, [2, 18])?.join()).toContain('description');
    expect(check({ id: 'a' }, [2, 19])?.join()).toContain('description');
  });

  it('uses the lowest range when the service has no microversions', () => {
    expect(check({ id: 'a' }, undefined)).toEqual([]);
  });

  it('answers undefined where no range covers the version', () => {
    const only = compileResponseChecker([{ from: '2.50', schema: thing() }]);
    expect(only({ id: 'a' }, [2, 1])).toBeUndefined();
  });
});

describe('strict responses in serviceRoutes', () => {
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
        routes: [
          route<object>({
            method: 'GET',
            url: '/thing',
            auth: 'none',
            successStatus: 200,
            expectedErrors: [],
            response: Type.Object({ thing: thing() }, { additionalProperties: false }),
            handler: async () => body,
          }),
        ],
      }),
      { prefix: '/t' },
    );
    return a;
  };

  it('answers a body that fits', async () => {
    const res = await (await app(true, { thing: { id: 'x' } })).inject({ url: '/t/thing' });
    expect(res.statusCode).toBe(200);
  });

  it('answers 500 naming a stray field when strict', async () => {
    const res = await (await app(true, { thing: { id: 'x', host: 'h' } })).inject({ url: '/t/thing' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain(responseMismatch);
    expect(res.body).toContain('host');
  });

  it('does not check when strict responses are off (production)', async () => {
    const res = await (await app(false, { thing: { id: 'x', host: 'h' } })).inject({ url: '/t/thing' });
    expect(res.statusCode).toBe(200);
  });
});
