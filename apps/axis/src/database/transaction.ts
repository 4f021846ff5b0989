import type { EntityManager } from 'typeorm';

/**
 * A database transaction in progress. It is the EntityManager itself, passed explicitly to every
 * repository call that must join it; services never touch it beyond handing it on.
 */
export type Transaction = EntityManager;

export abstract class TransactionRunner {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  abstract run<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;

  /** Runs reads in one REPEATABLE READ transaction, so that together they see one state. */
  abstract snapshot<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}
