import { ForbiddenError, NotFoundError } from '../../common/errors.js';
import type { Microversion } from '../../common/http/microversion.js';
import { atLeast } from '../../common/http/microversion.js';
import type { RequestContext } from '../../common/http/route-spec.js';
import type { ComputeDeps, ComputeImage } from '../compute-deps.js';
import { callerOf } from '../servers/server-caller.js';

/** The image service as Nova's proxy calls it: with the caller's project and admin flag. */
export interface ProxyCaller {
  readonly projectId: string;
  readonly isAdmin: boolean;
}

/**
 * Nova's proxy APIs end at 2.35 (MAX_PROXY_API_SUPPORT_VERSION), image metadata at 2.38
 * (MAX_IMAGE_META_PROXY_API_VERSION): later, 404.
 */
export function proxyCaller(ctx: RequestContext, gone: Microversion = [2, 36]): ProxyCaller {
  if (atLeast(ctx.microversion, gone))
    throw new NotFoundError('compute.proxy.gone', 'The resource could not be found.');
  const c = callerOf(ctx);
  return { projectId: c.projectId, isAdmin: c.isAdmin };
}

export const imageNotFound = () => new NotFoundError('compute.image.not_found', 'Image not found.');

export async function findProxyImage(
  deps: ComputeDeps,
  caller: ProxyCaller,
  id: string,
): Promise<ComputeImage> {
  const image = await deps.images.getImage(caller, id);
  if (image === undefined) throw imageNotFound();
  return image;
}

/** Glance's delete_image rule (the owner or an admin), then its own refusal of protected images. */
export async function deleteProxyImage(deps: ComputeDeps, caller: ProxyCaller, id: string): Promise<void> {
  const image = await findProxyImage(deps, caller, id);
  const denied = () =>
    new ForbiddenError('compute.image.delete_denied', 'You are not allowed to delete the image.');
  if (!caller.isAdmin && image.owner !== caller.projectId) throw denied();
  try {
    await deps.images.deleteImage(id);
  } catch (err) {
    if (err instanceof ForbiddenError) throw denied();
    if (err instanceof NotFoundError) throw imageNotFound();
    throw err;
  }
}

/** Nova's images list filters, in the image API's words. */
export function glanceQuery(q: Readonly<Record<string, unknown>>): Record<string, string> {
  const one = (k: string) => {
    const v = q[k];
    return typeof v === 'string' ? v : Array.isArray(v) ? String(v.at(-1)) : undefined;
  };
  const out: Record<string, string> = {};
  const put = (k: string, v: string | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  put('name', one('name'));
  put('status', one('status')?.toLowerCase());
  // A server may be named by its URL; Nova keeps the last path segment.
  put('instance_uuid', one('server')?.split('/').at(-1));
  put('image_type', one('type'));
  put('min_ram_min', one('minRam'));
  put('min_disk_min', one('minDisk'));
  const since = one('changes-since');
  if (since !== undefined) out['updated_at'] = `gte:${since}`;
  for (const k of Object.keys(q)) if (k.startsWith('property-')) put(k.slice('property-'.length), one(k));
  put('limit', one('limit'));
  put('marker', one('marker'));
  return out;
}
