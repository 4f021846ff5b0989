import { Controller, Get } from '@nestjs/common';

@Controller('health')
export class HealthController {
  /** Liveness only: the process answers. Readiness (database, broker) arrives with the exchange. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
