import type { FaultDialect } from './fault-dialect.js';
import { httpTitles } from './fault-dialect.js';

/** Placement: `{"errors": [{"status": 409, "title": "Conflict", "detail": "...", "code": "...", "request_id": "..."}]}`. */
export const placementFault: FaultDialect = (err, requestId) => ({
  status: err.status,
  body: {
    errors: [
      {
        status: err.status,
        title: httpTitles[err.status] ?? 'Error',
        detail: err.message,
        code: err.code,
        request_id: requestId,
      },
    ],
  },
  headers: err.headers,
});
