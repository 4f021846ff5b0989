import { DynamicModule, Module } from '@nestjs/common';
import type { MessageBus } from '@lienthong/bus';
import { BusModule } from './bus/bus.module';
import { CertificatesModule } from './certificates/certificates.module';
import type { AxisConfig } from './config/axis-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DirectoryModule } from './directory/directory.module';
import { HealthModule } from './health/health.module';
import { TopologyModule } from './topology/topology.module';
import { TrackingModule } from './tracking/tracking.module';

export interface AxisModuleOptions {
  /** A bus the caller owns and closes (in-process sandbox, tests); default: connect to AMQP_URL. */
  bus?: MessageBus;
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
        TopologyModule,
        CertificatesModule,
        DirectoryModule,
        TrackingModule,
        HealthModule,
      ],
    };
  }
}
