import { Module } from '@nestjs/common';
import { HealthController } from './health/health.controller';

/** The agency endpoint: signs, sends, receives and verifies documents (see docs/architecture.md). */
@Module({ controllers: [HealthController] })
export class NodeModule {}
