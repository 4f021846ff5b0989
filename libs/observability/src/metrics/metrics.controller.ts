import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PrometheusExchangeMetrics } from './prometheus-exchange-metrics';

/** `GET /metrics`: the Prometheus text format of this app's own registry. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: PrometheusExchangeMetrics) {}

  @Get()
  @Header('cache-control', 'no-store')
  async scrape(@Res() response: Response): Promise<void> {
    const body = await this.metrics.metrics();
    response.setHeader('content-type', this.metrics.contentType);
    response.send(body);
  }
}
