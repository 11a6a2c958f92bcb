import { ConflictError, ForbiddenError, NotFoundError, OverLimitError } from '../common/errors.js';

/** The 404 Glance answers for an image that does not exist or that the caller may not see. */
export function imageNotFound(id: string, message = `No image found with ID ${id}`): NotFoundError {
  return new NotFoundError('image.image.not_found', message);
}

export function imageForbidden(message: string): ForbiddenError {
  return new ForbiddenError('image.image.forbidden', message);
}

export function imageConflict(message: string): ConflictError {
  return new ConflictError('image.image.conflict', message);
}

/** oslo.limit's wording, wrapped as Glance wraps it in its 413. */
export function quotaExceeded(
  projectId: string,
  resource: string,
  limit: number,
  usage: number,
  delta: number,
) {
  return new OverLimitError(
    `image.quota.${resource}`,
    'The request returned a 413 Request Entity Too Large. This generally means that rate limiting or a ' +
      'quota threshold was breached.\n\nThe response body:\n' +
      `Project ${projectId} is over a limit for [Resource ${resource} is over limit of ${limit} due to ` +
      `current usage ${usage} and delta ${delta}]`,
  );
}

/** Glance's per-image limits (image_member_quota, image_property_quota, image_tag_quota). */
export const imageItemLimit = 128;

export function itemLimitExceeded(
  what: 'members' | 'properties' | 'tags',
  attempted: number,
): OverLimitError {
  return new OverLimitError(
    `image.limit.${what}`,
    `The limit has been exceeded on the number of allowed image ${what}. Attempted: ${attempted}, Maximum: ${imageItemLimit}`,
  );
}

/** Glance's ImageSizeLimitExceeded, as its upload handler words it (data over image_size_cap). */
export function imageTooLarge(): OverLimitError {
  return new OverLimitError(
    'image.data.size_cap',
    'The incoming image is too large: The provided image is too large.',
  );
}
