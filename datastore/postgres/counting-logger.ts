import { AdvancedConsoleLogger, type Logger, type LoggerOptions, type QueryRunner } from 'typeorm';

/** Hooks a caller can pass to the Postgres (and embedded) datastore. */
export interface DatastoreHooks {
  /**
   * Called once per SQL statement sent to the server, before it is sent: repository
   * queries, transaction control (START TRANSACTION / COMMIT / ROLLBACK), migrations and
   * TypeORM's own statements alike. Must be cheap and must not throw (it runs on every
   * query); a metrics counter's `inc` is the intended use.
   */
  onQuery?: () => void;
}

/**
 * TypeORM's logger, counting. TypeORM calls `logQuery` for every statement a query runner
 * (or the driver itself) sends, whatever `logging` says: the built-in loggers check
 * `logging` inside `logQuery`, so this wrapper sees each statement even with logging off
 * and then hands everything to the logger TypeORM would otherwise have created.
 */
export class CountingLogger implements Logger {
  private readonly inner: Logger;

  constructor(
    private readonly onQuery: () => void,
    logging: LoggerOptions = false,
  ) {
    this.inner = new AdvancedConsoleLogger(logging);
  }

  logQuery(query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.onQuery();
    this.inner.logQuery(query, parameters, queryRunner);
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.inner.logQueryError(error, query, parameters, queryRunner);
  }

  logQuerySlow(time: number, query: string, parameters?: unknown[], queryRunner?: QueryRunner): void {
    this.inner.logQuerySlow(time, query, parameters, queryRunner);
  }

  logSchemaBuild(message: string, queryRunner?: QueryRunner): void {
    this.inner.logSchemaBuild(message, queryRunner);
  }

  logMigration(message: string, queryRunner?: QueryRunner): void {
    this.inner.logMigration(message, queryRunner);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown, queryRunner?: QueryRunner): void {
    this.inner.log(level, message, queryRunner);
  }
}
