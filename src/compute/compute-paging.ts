import { InputError } from '../common/errors.js';

/** Nova's [api] max_limit: the most items one page returns. */
export const apiMaxLimit = 1000;

/** Nova's MarkerNotFound, answered 400 by the list APIs. */
export function markerNotFound(marker: string): InputError {
  return new InputError('compute.marker_not_found', `Marker ${marker} could not be found.`);
}
