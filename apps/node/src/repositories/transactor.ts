import type { EntityManager } from 'typeorm';

/** A transaction handle; repositories take it explicitly, so what commits together is visible at the call. */
export type Tx = EntityManager;

export abstract class Transactor {
  /** Runs `work` in one transaction: all of it commits, or none of it. */
  abstract run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}
