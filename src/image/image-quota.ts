import { OverLimitError } from '../common/errors.js';
import type { ImageDeps } from './image-deps.js';
import { quotaExceeded } from './image-errors.js';

/** Statuses that no longer hold a project's quota (Glance leaves killed and deleted out). */
const released = ['killed', 'deleted'] as const;

export interface ImageUsage {
  readonly imageCount: number;
  readonly imageBytes: number;
}

/** What a project uses now: images it owns, and bytes of data they hold (staged data included). */
export async function imageUsage(deps: ImageDeps, projectId: string): Promise<ImageUsage> {
  const r = await deps.store.db
    .selectFrom('images')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number | null>('size').as('bytes')])
    .where('owner', '=', projectId)
    .where('status', 'not in', released)
    .executeTakeFirstOrThrow();
  return { imageCount: Number(r.n), imageBytes: Number(r.bytes ?? 0) };
}

/** Refuses one more image when the project is at its image_count_total limit (413). */
export async function checkImageCount(deps: ImageDeps, projectId: string): Promise<void> {
  const limit = deps.quotas.imageCount;
  if (limit < 0) return;
  const { imageCount } = await imageUsage(deps, projectId);
  if (imageCount + 1 > limit) throw quotaExceeded(projectId, 'image_count_total', limit, imageCount, 1);
}

/**
 * Bytes the project may still write, or -1 when unlimited. Refuses outright (413) when
 * it is already over, or when the announced size (Content-Length) would not fit.
 */
export async function remainingImageBytes(
  deps: ImageDeps,
  projectId: string,
  announced: number | undefined,
): Promise<number> {
  const limit = deps.quotas.imageBytes;
  if (limit < 0) return -1;
  const { imageBytes } = await imageUsage(deps, projectId);
  if (imageBytes > limit) throw quotaExceeded(projectId, 'image_size_total', limit, imageBytes, 0);
  const remaining = limit - imageBytes;
  if (announced !== undefined && announced > remaining) throw storageQuotaFull(announced, remaining);
  return remaining;
}

/** Glance's StorageQuotaFull, wrapped as its upload handler wraps it. */
export function storageQuotaFull(size: number, remaining: number): OverLimitError {
  return new OverLimitError(
    'image.quota.storage',
    `Image exceeds the storage quota: The size of the data ${size} will exceed the limit. ${remaining} bytes remaining.`,
  );
}

/** Statuses Glance counts as uploads in progress (image_count_uploading). */
const inFlight = ['saving', 'uploading', 'importing'] as const;

/** Images of the project with an upload or import under way, and the staged bytes they hold. */
async function uploadUsage(deps: ImageDeps, projectId: string) {
  const r = await deps.store.db
    .selectFrom('images')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn
        .sum<number | null>(eb.case().when('status', '!=', 'saving').then(eb.ref('size')).end())
        .as('staged'),
    ])
    .where('owner', '=', projectId)
    .where('status', 'in', inFlight)
    .executeTakeFirstOrThrow();
  return { count: Number(r.n), stagedBytes: Number(r.staged ?? 0) };
}

/**
 * `GET /v2/info/usage`, in Glance's shape with its four quotas (limits of -1 mean unlimited:
 * Strata limits only the total size and count).
 */
export async function usageView(deps: ImageDeps, projectId: string) {
  const [usage, uploads] = await Promise.all([imageUsage(deps, projectId), uploadUsage(deps, projectId)]);
  return {
    usage: {
      image_size_total: { limit: deps.quotas.imageBytes, usage: usage.imageBytes },
      image_stage_total: { limit: -1, usage: uploads.stagedBytes },
      image_count_total: { limit: deps.quotas.imageCount, usage: usage.imageCount },
      image_count_uploading: { limit: -1, usage: uploads.count },
    },
  };
}
