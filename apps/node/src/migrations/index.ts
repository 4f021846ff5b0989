import { ExchangeSchema1767225600000 } from './1767225600000-exchange-schema';

/** In order; TypeORM runs the ones not yet applied, each in its own transaction. */
export const NODE_MIGRATIONS = [ExchangeSchema1767225600000];
