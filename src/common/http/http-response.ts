/** A handler result that needs a status or headers other than the route's defaults. */
export class HttpResponse {
  constructor(
    readonly body: unknown,
    readonly status?: number,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

export function respond(body: unknown, opts: { status?: number; headers?: Record<string, string> } = {}) {
  return new HttpResponse(body, opts.status, opts.headers);
}
