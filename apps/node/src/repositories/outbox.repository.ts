import type { ClaimedOutboxMessage, NewOutboxMessage } from '../domain/outbox';
import type { Tx } from './transactor';

export interface OutboxBacklog {
  pending: number;
  /** Age of the oldest row not yet published; undefined when there is none. */
  oldestPendingSeconds?: number;
}

export interface OutboxClaim {
  limit: number;
  leaseMs: number;
  /**
   * Stop adding rows once their bodies reach this many bytes (the first row is always taken):
   * every claimed body is held in memory until its publish is confirmed.
   */
  maxBytes: number;
}

export interface OutboxFailure {
  id: string;
  error: string;
}

export interface OutboxRetry {
  id: string;
  delayMs: number;
  error: string;
}

export abstract class OutboxRepository {
  /** One statement for all of them; due at once (the database's clock, as the claim reads it). */
  abstract enqueue(tx: Tx, messages: NewOutboxMessage[]): Promise<void>;
  /**
   * Leases due rows (FOR UPDATE SKIP LOCKED) for `leaseMs`: a relay that dies with a row in hand
   * leaves it to be published again, with the same message id, once the lease expires. In `tx`
   * when given (the relay claims in the transaction that settles its previous batch), so rows
   * that transaction enqueued are claimed too.
   */
  abstract claimDue(claim: OutboxClaim, tx?: Tx): Promise<ClaimedOutboxMessage[]>;
  /**
   * The ids of the rows it marked: only rows still pending are, so writing back the same outcome
   * twice (a commit whose answer was lost) records it once.
   */
  abstract markSent(tx: Tx, ids: string[]): Promise<string[]>;
  /** As markSent. */
  abstract markFailed(tx: Tx, failures: OutboxFailure[]): Promise<string[]>;
  /** Back to pending, due after each row's delay; the lease is released. */
  abstract reschedule(retries: OutboxRetry[], tx?: Tx): Promise<void>;
  abstract backlog(): Promise<OutboxBacklog>;
}
