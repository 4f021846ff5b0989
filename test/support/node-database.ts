import { DataSource } from 'typeorm';
import { postgresOptions } from '@lienthong/common';
import { createTestDatabase, TestDatabase } from '@lienthong/common/testing/postgres';
import { NODE_ENTITIES } from '../../apps/node/src/entities';
import { NODE_MIGRATIONS } from '../../apps/node/src/migrations';

export interface NodeTestDatabase {
  db: TestDatabase;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** A fresh database on the test PostgreSQL with the node's migrations run, as the node runs them. */
export async function openNodeDatabase(name: string): Promise<NodeTestDatabase> {
  const db = await createTestDatabase(name);
  const dataSource = await new DataSource(
    postgresOptions(db.url, {
      entities: NODE_ENTITIES,
      migrations: NODE_MIGRATIONS,
      applicationName: `${name}-test`,
    }),
  ).initialize();
  return {
    db,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await db.drop();
    },
  };
}
