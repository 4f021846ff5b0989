import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { checkReadiness, ReadinessBody } from '@lienthong/observability';
import type { Response } from 'express';
import { HealthService } from '../services/health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly terminus: HealthCheckService,
    private readonly health: HealthService,
  ) {}

  /** The process answers; nothing else is checked, so a broker outage does not get it restarted. */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.terminus.check([]);
  }

  /** Database, broker connection, inbox consumers, an outbox that keeps up. 503 NOT_READY otherwise. */
  @Get('ready')
  @HealthCheck()
  ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessBody> {
    return checkReadiness(this.terminus, this.health.readinessChecks(), response);
  }
}
