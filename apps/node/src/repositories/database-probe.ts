export abstract class DatabaseProbe {
  /** Rejects when the database cannot answer. */
  abstract ping(): Promise<void>;
}
