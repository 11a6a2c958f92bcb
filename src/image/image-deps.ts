import type { Logger } from 'pino';
import type { Clock } from '../common/time.js';
import type { StrataDb } from '../db/database.js';
import type { ImageFileStore } from './data/image-file-store.js';
import type { ImageImporter } from './data/image-importer.js';

/** What the image service's modules need, passed in by `imageService` (no globals). */
export interface ImageDeps {
  readonly store: StrataDb;
  readonly clock: Clock;
  readonly log: Logger;
  readonly files: ImageFileStore;
  readonly importer: ImageImporter;
  /** Per-project limits; -1 means unlimited. */
  readonly quotas: { readonly imageCount: number; readonly imageBytes: number };
  /** The largest image data accepted, in bytes (Glance's image_size_cap). */
  readonly sizeCap: number;
}

/** Who is acting: Glance's request context reduced to what visibility and ownership need. */
export interface ImageCaller {
  readonly projectId: string | undefined;
  readonly isAdmin: boolean;
}
