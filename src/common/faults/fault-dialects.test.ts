import { describe, expect, it } from 'vitest';
import { NotFoundError, UnauthorizedError } from '../errors.js';
import { computeFault } from './compute-fault.js';
import { keystoneFault } from './keystone-fault.js';
import { neutronFault } from './neutron-fault.js';
import { placementFault } from './placement-fault.js';

const notFound = new NotFoundError('network.network.not_found', 'Network abc could not be found.');

describe('fault dialects', () => {
  it('renders Keystone errors', () => {
    expect(
      keystoneFault(
        new UnauthorizedError('x', 'The request you have made requires authentication.'),
        'req-1',
      ),
    ).toEqual({
      status: 401,
      body: {
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      },
      headers: {},
    });
  });
  it('renders Nova errors by fault name', () => {
    expect(computeFault(notFound, 'req-1').body).toEqual({
      itemNotFound: { code: 404, message: 'Network abc could not be found.' },
    });
  });
  it('renders Neutron errors with the exception type', () => {
    expect(neutronFault(notFound, 'req-1').body).toEqual({
      NeutronError: { type: 'NetworkNotFound', message: 'Network abc could not be found.', detail: '' },
    });
  });
  it('renders Placement errors with code and request id', () => {
    expect(placementFault(notFound, 'req-1').body).toEqual({
      errors: [
        {
          status: 404,
          title: 'Not Found',
          detail: 'Network abc could not be found.',
          code: 'network.network.not_found',
          request_id: 'req-1',
        },
      ],
    });
  });
});
