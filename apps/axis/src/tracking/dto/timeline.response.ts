import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DeliveryResponse } from './delivery.response';
import { TraceEventResponse } from './trace-event.response';

export class TimelineResponse {
  @ApiProperty() documentUuid!: string;
  @ApiPropertyOptional() documentId?: string;
  @ApiProperty() sender!: string;
  @ApiProperty({ type: [DeliveryResponse], description: 'Current state per recipient' })
  deliveries!: DeliveryResponse[];
  @ApiProperty({ type: [TraceEventResponse], description: 'Every step, in the order it happened' })
  events!: TraceEventResponse[];
}
