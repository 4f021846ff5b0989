export abstract class DatabaseRepository {
  /** Rejects when the database cannot answer a query. */
  abstract ping(): Promise<void>;
}
