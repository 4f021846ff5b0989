import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, AxisConfig } from './axis-config';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AxisConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
