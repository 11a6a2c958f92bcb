import { createTokenValidator } from '../identity/index.js';
import type { BenchMetric, BenchOptions, BenchProgress, Benchmark } from './benchmark.js';
import type { BenchCloud } from './bench-cloud.js';
import { withBenchCloud } from './bench-cloud.js';
import type { HttpCall } from './bench-http.js';
import { runLoad, timeSequential } from './bench-stats.js';

/** Every other service validates in-process on each request, so this bounds their latency. */
const inProcessTargetMs = 1;

async function measureHttp(c: BenchCloud, opts: BenchOptions, progress: BenchProgress) {
  const call: HttpCall = {
    method: 'GET',
    url: `${c.identityUrl}/v3/auth/tokens`,
    headers: { 'x-auth-token': await c.issueAdminToken(), 'x-subject-token': await c.issueAdminToken() },
  };
  progress(`token-validate: ${opts.validates} sequential GET /v3/auth/tokens`);
  const sequential = await timeSequential(opts.validates, 200, () => c.http.expect(200, call));
  progress(`token-validate: ${opts.concurrency} clients for ${opts.durationSec} s`);
  const load = await runLoad(opts.concurrency, opts.durationSec * 1000, () => c.http.expect(200, call));
  return { sequential, load };
}

async function measureInProcess(c: BenchCloud, opts: BenchOptions, progress: BenchProgress) {
  const validator = createTokenValidator(c.cloud.identity);
  const token = await c.issueAdminToken();
  progress(`token-validate: ${opts.validates} sequential in-process validations`);
  return timeSequential(opts.validates, 200, () => validator.validate(token));
}

async function measure(c: BenchCloud, opts: BenchOptions, progress: BenchProgress): Promise<BenchMetric[]> {
  const http = await measureHttp(c, opts, progress);
  const local = await measureInProcess(c, opts, progress);
  const n = `n=${opts.validates}`;
  return [
    {
      name: `in-process validate p50 (${n})`,
      value: local.p50,
      unit: 'ms',
      target: { text: `< ${inProcessTargetMs} ms`, met: local.p50 < inProcessTargetMs },
    },
    { name: `in-process validate p99 (${n})`, value: local.p99, unit: 'ms' },
    { name: `HTTP validate p50, sequential (${n})`, value: http.sequential.p50, unit: 'ms' },
    { name: `HTTP validate p99, sequential (${n})`, value: http.sequential.p99, unit: 'ms' },
    { name: `HTTP validates/s, ${opts.concurrency} clients`, value: http.load.perSecond, unit: 'req/s' },
    {
      name: `HTTP validate p50 under load (${opts.concurrency} clients)`,
      value: http.load.latency.p50,
      unit: 'ms',
    },
  ];
}

export const tokenValidateBench: Benchmark = {
  name: 'token-validate',
  description: 'GET /v3/auth/tokens with X-Subject-Token over HTTP, and createTokenValidator().validate()',
  run: (opts, progress) =>
    withBenchCloud(opts.concurrency, async (c) => ({
      name: 'token-validate',
      metrics: await measure(c, opts, progress),
    })),
};
