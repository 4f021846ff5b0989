import type { DataSourceOptions } from 'typeorm';

/**
 * PostgreSQL options shared by every process: schema changes only through migrations, which run
 * at start inside a transaction each, never `synchronize`.
 */
export function postgresOptions(
  url: string,
  parts: {
    entities: DataSourceOptions['entities'];
    migrations: DataSourceOptions['migrations'];
    applicationName: string;
    /** Connections in the pool (default 10); the embedded sandbox uses 1 (one PGlite session). */
    poolMax?: number;
  },
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: parts.entities,
    migrations: parts.migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    applicationName: parts.applicationName,
    extra: { max: parts.poolMax ?? 10 },
  };
}
