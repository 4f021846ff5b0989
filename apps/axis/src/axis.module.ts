import { DynamicModule, Module } from '@nestjs/common';
import type { MessageBus } from '@lienthong/bus';
import { createObservability, Observability, ObservabilityModule } from '@lienthong/observability';
import { AuditModule } from './audit/audit.module';
import { BusModule } from './bus/bus.module';
import { CertificatesModule } from './certificates/certificates.module';
import type { AxisConfig } from './config/axis-config';
import { ConfigModule } from './config/config.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatabaseModule } from './database/database.module';
import { DirectoryModule } from './directory/directory.module';
import { HealthModule } from './health/health.module';
import { AxisMetricsModule } from './observability/axis-metrics.module';
import { TopologyModule } from './topology/topology.module';
import { TrackingModule } from './tracking/tracking.module';

export interface AxisModuleOptions {
  /** A bus the caller owns and closes (in-process sandbox, tests); default: connect to AMQP_URL. */
  bus?: MessageBus;
  /** The app's logger and metrics registry (`/metrics`); default: made here, logging to stdout. */
  observability?: Observability;
}

/** The central service: directory, CA and CRL, bus topology, delivery tracking (docs/exchange.md). */
@Module({})
export class AxisModule {
  static forRoot(config: AxisConfig, options: AxisModuleOptions = {}): DynamicModule {
    return {
      module: AxisModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config),
        BusModule.forRoot(config, options.bus),
        AuditModule,
        TopologyModule,
        CertificatesModule,
        DirectoryModule,
        TrackingModule,
        DashboardModule,
        HealthModule,
        ObservabilityModule.forRoot(
          options.observability ?? createObservability({ app: 'axis', level: config.logLevel }),
        ),
        AxisMetricsModule,
      ],
    };
  }
}
