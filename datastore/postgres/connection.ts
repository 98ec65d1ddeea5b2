import type { DataSource, EntityManager } from 'typeorm';

/** How a repository reaches the database: the (lazily initialised) DataSource's manager. */
export type ManagerSource = () => Promise<EntityManager>;

/** An initialised DataSource plus whatever must be released after it is destroyed. */
export interface OpenedDataSource {
  dataSource: DataSource;
  release?: () => Promise<void>;
}

/**
 * Opens the DataSource on first use (constructors cannot await) and only once, even
 * under concurrent first calls; a failed open is retried on the next call.
 */
export class LazyDataSource {
  private opening: Promise<OpenedDataSource> | undefined;
  private closed = false;

  constructor(private readonly open: () => Promise<OpenedDataSource>) {}

  async get(): Promise<DataSource> {
    if (this.closed) throw new Error('datastore is closed');
    this.opening ??= this.open().catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    return (await this.opening).dataSource;
  }

  readonly manager: ManagerSource = async () => (await this.get()).manager;

  /** Destroys the DataSource (if it was opened) and releases what backs it. Idempotent. */
  async destroy(): Promise<void> {
    this.closed = true;
    await this.release();
  }

  /** Closes what is open now; the next use opens afresh. */
  async recycle(): Promise<void> {
    if (this.closed) return;
    await this.release();
  }

  private async release(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (!opening) return;
    const opened = await opening.catch(() => undefined);
    if (!opened) return;
    try {
      if (opened.dataSource.isInitialized) await opened.dataSource.destroy();
    } finally {
      await opened.release?.();
    }
  }
}
