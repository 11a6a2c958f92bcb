import type { ImageCaller, ImageDeps } from './image-deps.js';
import { listVisibleImages, setImageProperties } from './images/image-proxy-service.js';
import { uploadImageData } from './data/image-data-service.js';
import type { ImageData } from './data/image-file-store.js';
import type { Image } from './images/image-store.js';
import { getImage as loadImage } from './images/image-store.js';
import { createImage, deleteImage, isVisible } from './images/image-service.js';

/** An image as other services see it (compute boots from these and snapshots into them). */
export interface ImageRecord {
  readonly id: string;
  readonly name: string | null;
  readonly status: string;
  readonly diskFormat: string | null;
  readonly containerFormat: string | null;
  readonly size: number | null;
  /** Bytes of the disk the data expands to, when its header says (Glance's virtual_size). */
  readonly virtualSize: number | null;
  readonly minDisk: number;
  readonly minRam: number;
  readonly owner: string;
  readonly visibility: 'public' | 'private' | 'shared' | 'community';
  readonly protected: boolean;
  readonly properties: Readonly<Record<string, string>>;
  readonly checksum: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The image service's in-process interface, the way Nova talks to Glance through a client. */
export interface ImageApi {
  /** The image if `caller` may see it (visibility/membership), else undefined. Never throws for a missing image. */
  getImage(
    caller: { projectId: string; isAdmin: boolean },
    imageId: string,
  ): Promise<ImageRecord | undefined>;
  /**
   * A queued image owned by the project (server snapshots: properties like
   * image_type=snapshot, instance_uuid). Throws the API's 400 for bad formats and 413 over
   * quota, leaving nothing behind.
   */
  createImage(
    owner: { projectId: string },
    fields: {
      name: string;
      diskFormat?: string;
      containerFormat?: string;
      visibility?: string;
      minDisk?: number;
      minRam?: number;
      protected?: boolean;
      properties?: Record<string, string>;
    },
  ): Promise<ImageRecord>;
  /**
   * Streams bytes into a queued image and makes it active (checksum, hash, size). On any
   * failure an image still without data is deleted with whatever was written, as Nova's
   * delete_image_on_error does for snapshots. A second call on an active image is a 409
   * that leaves it alone.
   */
  uploadImageData(imageId: string, data: ImageData): Promise<ImageRecord>;
  /** Absolute path of an active image's data file on this host (it may not exist for other statuses). */
  imageDataPath(imageId: string): string;
  /** Deletes the image and its data; 404 when missing, 403 when protected. */
  deleteImage(imageId: string): Promise<void>;
  /**
   * The images `caller` may list, for `GET /v2/images`'s query parameters (filters, sort,
   * limit, marker); bad parameters are the image API's 400.
   */
  listImages(caller: ImageCaller, query: Readonly<Record<string, string>>): Promise<ImageRecord[]>;
  /**
   * Replaces the image's extra properties with `properties` (what Nova's image metadata
   * API edits), as the owner or an admin may; 404 for an image the caller cannot see.
   */
  setProperties(
    caller: ImageCaller,
    imageId: string,
    properties: Readonly<Record<string, string>>,
  ): Promise<ImageRecord>;
}

const system = { projectId: undefined, isAdmin: true } as const;

/** The in-process API over the same service functions the HTTP routes use. */
export function createImageApi(deps: ImageDeps): ImageApi {
  return {
    async getImage(caller, imageId) {
      const image = await loadImage(deps.store.db, imageId);
      return image && (await isVisible(deps, caller, image)) ? toRecord(image) : undefined;
    },
    async createImage(owner, f) {
      const body = {
        ...f.properties,
        name: f.name,
        ...(f.diskFormat !== undefined && { disk_format: f.diskFormat }),
        ...(f.containerFormat !== undefined && { container_format: f.containerFormat }),
        ...(f.visibility !== undefined && { visibility: f.visibility }),
        ...(f.minDisk !== undefined && { min_disk: f.minDisk }),
        ...(f.minRam !== undefined && { min_ram: f.minRam }),
        ...(f.protected !== undefined && { protected: f.protected }),
      };
      return toRecord(await createImage(deps, { projectId: owner.projectId, isAdmin: false }, body));
    },
    async uploadImageData(imageId, data) {
      try {
        return toRecord(await uploadImageData(deps, 'trusted', imageId, data));
      } catch (err) {
        const left = await loadImage(deps.store.db, imageId);
        if (left?.status === 'queued') await deleteImage(deps, system, imageId);
        throw err;
      }
    },
    imageDataPath: (imageId) => deps.files.path(imageId),
    deleteImage: (imageId) => deleteImage(deps, system, imageId),
    listImages: async (caller, q) => (await listVisibleImages(deps, caller, q)).map(toRecord),
    setProperties: async (caller, imageId, properties) =>
      toRecord(await setImageProperties(deps, caller, imageId, properties)),
  };
}

function toRecord(i: Image): ImageRecord {
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    diskFormat: i.diskFormat,
    containerFormat: i.containerFormat,
    size: i.size,
    virtualSize: i.virtualSize,
    minDisk: i.minDisk,
    minRam: i.minRam,
    owner: i.owner,
    visibility: i.visibility,
    protected: i.protected,
    properties: i.properties,
    checksum: i.checksum,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}
