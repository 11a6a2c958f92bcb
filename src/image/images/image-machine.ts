/*
 * The image status machine (Glance's valid_state_targets; a transfer that fails or is
 * refused part way restores queued, as Glance's upload does; `killed` stays a status
 * clients know, but nothing enters it any more):
 *
 *   queued ──upload──► saving ──stored──► active ──deactivate──► deactivated
 *     ▲                  │                       ◄──reactivate──┘
 *     ├──upload_failed───┘
 *     │
 *     └──stage──► uploading ──import──► importing ──imported──► active
 *     ▲              │                     │
 *     └stage_refused─┘◄────import_failed───┘
 *
 *   every status but deleted ──delete──► deleted
 *
 * Each event has exactly one target, so a refused event names the transition it wanted,
 * as Glance's "Image status transition from active to saving is not allowed" does.
 */
import { InvalidStateError } from '../../common/errors.js';
import type { ImageStatus } from '../../db/tables/image-tables.js';

export type ImageEvent =
  | 'upload'
  | 'stored'
  | 'upload_failed'
  | 'stage'
  | 'stage_refused'
  | 'import'
  | 'imported'
  | 'import_failed'
  | 'deactivate'
  | 'reactivate'
  | 'delete';

interface Transition {
  readonly from: ReadonlyArray<ImageStatus>;
  readonly to: ImageStatus;
}

const live: ReadonlyArray<ImageStatus> = [
  'queued',
  'saving',
  'uploading',
  'importing',
  'active',
  'deactivated',
  'killed',
];

const table: Readonly<Record<ImageEvent, Transition>> = {
  upload: { from: ['queued'], to: 'saving' },
  stored: { from: ['saving'], to: 'active' },
  upload_failed: { from: ['saving'], to: 'queued' },
  stage: { from: ['queued'], to: 'uploading' },
  stage_refused: { from: ['uploading'], to: 'queued' },
  import: { from: ['uploading'], to: 'importing' },
  imported: { from: ['importing'], to: 'active' },
  import_failed: { from: ['importing'], to: 'queued' },
  deactivate: { from: ['active'], to: 'deactivated' },
  reactivate: { from: ['deactivated'], to: 'active' },
  delete: { from: live, to: 'deleted' },
};

/** True when `on` may happen to an image in `from`. */
export function allowed(from: ImageStatus, on: ImageEvent): boolean {
  return table[on].from.includes(from);
}

/** The status `on` leads to from `from`; a 409 in Glance's words when it may not happen. */
export function nextStatus(from: ImageStatus, on: ImageEvent): ImageStatus {
  const t = table[on];
  if (!t.from.includes(from)) throw transitionRefused(from, t.to);
  return t.to;
}

/** The 409 for a status change the machine does not allow. */
export function transitionRefused(from: string, to: string): InvalidStateError {
  return new InvalidStateError(
    'image.image.invalid_status',
    `Image status transition from ${from} to ${to} is not allowed`,
    'image',
    from,
    to,
  );
}
