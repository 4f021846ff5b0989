import type { ClaimedOutboxMessage, NewOutboxMessage } from '../domain/outbox';
import type { Tx } from './transactor';

export interface OutboxBacklog {
  pending: number;
  /** Age of the oldest row not yet published; undefined when there is none. */
  oldestPendingSeconds?: number;
}

export abstract class OutboxRepository {
  abstract enqueue(tx: Tx, messages: NewOutboxMessage[]): Promise<void>;
  /**
   * Leases up to `limit` due rows (FOR UPDATE SKIP LOCKED) for `leaseMs`: a relay that dies with a
   * row in hand leaves it to be published again, with the same message id, once the lease expires.
   */
  abstract claimDue(limit: number, leaseMs: number): Promise<ClaimedOutboxMessage[]>;
  abstract markSent(tx: Tx, id: string): Promise<void>;
  abstract markFailed(tx: Tx, id: string, error: string): Promise<void>;
  abstract reschedule(id: string, delayMs: number, error: string): Promise<void>;
  abstract backlog(): Promise<OutboxBacklog>;
}
