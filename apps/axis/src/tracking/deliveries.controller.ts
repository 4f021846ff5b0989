import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppError } from '@lienthong/common';
import { OperatorOnly } from '../http/operator.decorator';
import { DeliveriesService } from './deliveries.service';
import { DeliveriesQueryDto } from './dto/deliveries-query.dto';
import { DeliveryPageResponse } from './dto/delivery-page.response';
import { TimelineResponse } from './dto/timeline.response';

const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () => AppError.invalid('DOCUMENT_UUID_INVALID', 'The document id must be a UUID'),
});

@ApiTags('tracking')
@OperatorOnly()
@Controller()
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('deliveries')
  @ApiOperation({ summary: 'Deliveries (one per document and recipient), newest first' })
  search(@Query() query: DeliveriesQueryDto): Promise<DeliveryPageResponse> {
    return this.deliveries.search(query);
  }

  @Get('documents/:uuid/timeline')
  @ApiOperation({ summary: "A document's trace events and each recipient's state" })
  timeline(@Param('uuid', uuidPipe) uuid: string): Promise<TimelineResponse> {
    return this.deliveries.timeline(uuid);
  }
}
