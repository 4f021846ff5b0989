import { Module } from '@nestjs/common';
import { HealthController } from './health/health.controller';

/** The central service: directory, CA and CRL, bus topology, delivery tracking (see docs/architecture.md). */
@Module({ controllers: [HealthController] })
export class AxisModule {}
