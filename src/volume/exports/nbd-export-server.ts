/** An NBD export as the backend serves it: a volume's file under a per-attachment name. */
export interface ExportSpec {
  /** The NBD export name (also its QMP id); never a host path. */
  readonly name: string;
  readonly volumeId: string;
  /** The volume's qcow2 file in the pool. */
  readonly path: string;
  readonly readOnly: boolean;
}

/** Where consumers on other hosts connect: the storage network address and the NBD port. */
export interface NbdAddress {
  readonly host: string;
  readonly port: number;
  /** The address listened on when it is not `host` (a wildcard; consumers still get `host`). */
  readonly bind?: string;
}

/**
 * The backend's NBD export server (one per volume host). Implementations keep no state of
 * their own that a restart would lose: the desired exports come from the database each
 * time, and the live ones are read back from the server.
 */
export interface NbdExportServer {
  readonly address: NbdAddress;
  /**
   * Makes the served exports exactly `want`: starts the server when it is down (and some
   * export is wanted), adds the missing exports, removes the others. Idempotent; on
   * failure the next call repairs what is left.
   */
  sync(want: ReadonlyArray<ExportSpec>, signal?: AbortSignal): Promise<void>;
  /** The names of the exports being served now (empty when the server is down). */
  served(): Promise<ReadonlyArray<string>>;
  /**
   * Grows the volume's image under its exports to `sizeBytes` (in-use extend): the server
   * holds the file's write lock, so it resizes it. Its exports may be dropped on the way
   * (their clients reconnect); the next `sync` serves them again. False when it serves no
   * export of the volume. Never shrinks; idempotent.
   */
  grow(volumeId: string, sizeBytes: number, signal?: AbortSignal): Promise<boolean>;
  /** Stops the server and every export (tests; an operator's clean teardown). Idempotent. */
  stop(): Promise<void>;
}
