import { Injectable } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import { BusRepository } from '../bus/bus.repository';
import { DatabaseRepository } from './database.repository';

/** A probe that hangs is as bad as one that fails: the orchestrator must get an answer. */
const PROBE_TIMEOUT_MS = 2_000;

export type Check = 'up' | 'down';

export interface Readiness {
  status: 'ok';
  checks: { database: Check; bus: Check };
}

@Injectable()
export class HealthService {
  constructor(
    private readonly database: DatabaseRepository,
    private readonly bus: BusRepository,
  ) {}

  /** Throws 503 NOT_READY with each check's result when one is down. */
  async readiness(): Promise<Readiness> {
    const [database, bus] = await Promise.all([
      probe(() => this.database.ping()),
      probe(() => this.bus.ping()),
    ]);
    const checks = { database, bus };
    if (database === 'down' || bus === 'down') {
      throw new AppError('unavailable', 'NOT_READY', 'A dependency is down', { checks });
    }
    return { status: 'ok', checks };
  }
}

async function probe(check: () => Promise<void>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
