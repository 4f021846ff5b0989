import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { checkReadiness, ReadinessBody } from '@lienthong/observability';
import type { Response } from 'express';
import { HealthService } from './health.service';

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

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary:
      '200 when the database and the broker answer and the trace queue is consumed, else 503 NOT_READY',
  })
  ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessBody> {
    return checkReadiness(this.terminus, this.health.readinessChecks(), response);
  }
}
