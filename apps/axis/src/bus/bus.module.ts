import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { AmqpMessageBus, MessageBus } from '@lienthong/bus';
import type { AxisConfig } from '../config/axis-config';
import { BusCloser, OWNED_BUS } from './bus-closer';
import { BusRepository } from './bus.repository';
import { MessageBusRepository } from './message-bus.repository';

@Global()
@Module({})
export class BusModule {
  /** With `bus` the caller owns it (tests, the embedded sandbox); without, the axis connects to AMQP_URL. */
  static forRoot(config: AxisConfig, bus?: MessageBus): DynamicModule {
    const busProviders: Provider[] = bus
      ? [
          { provide: MessageBus, useValue: bus },
          { provide: OWNED_BUS, useValue: null },
        ]
      : [
          {
            provide: MessageBus,
            useFactory: () =>
              AmqpMessageBus.connect({
                url: config.amqpUrl,
                topology: { prefix: config.busPrefix },
                connectionName: `lienthong-axis ${config.busPrefix}`,
              }),
          },
          { provide: OWNED_BUS, useExisting: MessageBus },
        ];
    return {
      module: BusModule,
      providers: [...busProviders, BusCloser, { provide: BusRepository, useClass: MessageBusRepository }],
      exports: [MessageBus, BusRepository],
    };
  }
}
