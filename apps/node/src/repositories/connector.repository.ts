import type { StoredConnector, VdxpFailure } from '../domain/connector';

export abstract class ConnectorRepository {
  /** false when a connector with this systemId exists already. */
  abstract insert(connector: StoredConnector): Promise<boolean>;
  /** Only connectors not disabled. */
  abstract findEnabled(systemId: string): Promise<StoredConnector | undefined>;
  abstract find(systemId: string): Promise<StoredConnector | undefined>;
  abstract list(): Promise<StoredConnector[]>;
  /** undefined when there is no such connector. */
  abstract setSecret(
    systemId: string,
    secretCiphertext: string,
    at: Date,
  ): Promise<StoredConnector | undefined>;
  /** Idempotent; undefined when there is no such connector. */
  abstract disable(systemId: string, at: Date): Promise<StoredConnector | undefined>;
  /** Records (or updates) the failure reported for a received item. */
  abstract recordFailure(failure: VdxpFailure): Promise<void>;
  abstract listFailures(limit: number): Promise<VdxpFailure[]>;
}
