/**
 * A value loaded from the datastore once and kept until invalidated. `get()` answers from
 * memory (synchronously, as a resolved value) when loaded; concurrent misses share one load;
 * an invalidation during a load makes that load's result stale, so it is not kept.
 */
export class CachedValue<T> {
  private value: { v: T } | null = null;
  private loading: Promise<T> | null = null;
  private version = 0;

  constructor(private readonly load: () => Promise<T>) {}

  /** The cached value, or undefined when it must be loaded (call `get()`). */
  peek(): T | undefined {
    return this.value?.v;
  }

  get(): Promise<T> {
    if (this.value) return Promise.resolve(this.value.v);
    if (this.loading) return this.loading;
    const version = this.version;
    const p = this.load().then(
      (v) => {
        if (this.version === version) this.value = { v };
        if (this.loading === p) this.loading = null;
        return v;
      },
      (err: unknown) => {
        if (this.loading === p) this.loading = null;
        throw err;
      },
    );
    this.loading = p;
    return p;
  }

  invalidate(): void {
    this.version++;
    this.value = null;
    this.loading = null;
  }
}
