import type { CloudError } from '../errors.js';
import type { Microversion } from '../http/microversion.js';

/** Renders a domain error as one OpenStack service renders its faults. */
export interface RenderedFault {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** `microversion` is the one negotiated for the request, undefined when negotiation had not happened. */
export type FaultDialect = (err: CloudError, requestId: string, microversion?: Microversion) => RenderedFault;

/** The reason phrase OpenStack services put in `title` fields. */
export const httpTitles: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};
