import type { NewQuarantineEntry } from '../domain/quarantine';
import type { Tx } from './transactor';

export abstract class QuarantineRepository {
  /** false when this message was quarantined or stored as a document before (a redelivery). */
  abstract insert(tx: Tx, entry: NewQuarantineEntry): Promise<boolean>;
  abstract has(agencyCode: string, messageId: string): Promise<boolean>;
}
