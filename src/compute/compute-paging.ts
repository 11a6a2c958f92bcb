import { InputError } from '../common/errors.js';

/** Nova's [api] max_limit: the most items one page returns. */
export const apiMaxLimit = 1000;

/** A marker naming nothing: 400 in the words of Nova's servers, flavors and hypervisors lists. */
export function markerNotFound(marker: string): InputError {
  return new InputError('compute.bad_marker', `marker [${marker}] not found`);
}

/** The same 400 as the key-pair list words it (Nova passes MarkerNotFound's own message). */
export function keypairMarkerNotFound(marker: string): InputError {
  return new InputError('compute.bad_marker', `Marker ${marker} could not be found.`);
}
