import { Injectable } from '@nestjs/common';
import { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { probeIndicator } from '@lienthong/observability';
import { BusRepository } from '../bus/bus.repository';
import { TraceConsumer } from '../tracking/trace.consumer';
import { DatabaseRepository } from './database.repository';

/**
 * The axis's readiness checks, as terminus indicators: `database` and `bus` (a round trip to
 * each), `consumers` (the trace queue is consumed).
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly database: DatabaseRepository,
    private readonly bus: BusRepository,
    private readonly traces: TraceConsumer,
    private readonly indicators: HealthIndicatorService,
  ) {}

  readinessChecks(): HealthIndicatorFunction[] {
    return [
      () => probeIndicator(this.indicators, 'database', () => this.database.ping()),
      // A round trip to the broker, not a flag: a half-dead connection must fail readiness.
      () => probeIndicator(this.indicators, 'bus', () => this.bus.ping()),
      () => {
        const check = this.indicators.check('consumers');
        return this.traces.consuming
          ? check.up({ trace: true })
          : check.down({ message: 'trace queue not consumed' });
      },
    ];
  }
}
