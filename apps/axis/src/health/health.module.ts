import { Module } from '@nestjs/common';
import { TrackingModule } from '../tracking/tracking.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Module({ imports: [TrackingModule], controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
