import type { Logger } from 'pino';

/**
 * Runs import tasks in the background, one per image at a time. A task is keyed by the
 * image id only: it re-reads the image's persisted status and does what is left, so
 * starting one twice, or again after a restart, is harmless.
 */
export class ImageImporter {
  readonly #running = new Map<string, Promise<void>>();

  constructor(
    readonly run: (imageId: string) => Promise<void>,
    readonly log: Logger,
  ) {}

  /** Starts the task unless one is already running for this image; never throws. */
  start(imageId: string): void {
    if (this.#running.has(imageId)) return;
    const task = this.run(imageId)
      .catch((err: unknown) => this.log.error({ err, image_id: imageId }, 'image import task failed'))
      .finally(() => this.#running.delete(imageId));
    this.#running.set(imageId, task);
  }

  /** Resolves once the image's task (if any) has finished; tests and shutdown wait on it. */
  async settled(imageId?: string): Promise<void> {
    const tasks = imageId === undefined ? [...this.#running.values()] : [this.#running.get(imageId)];
    await Promise.all(tasks);
  }
}
