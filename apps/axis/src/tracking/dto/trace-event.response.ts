import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TRACE_EVENTS } from '@lienthong/protocol';
import type { TraceEventRecord } from '../trace-event-record';

export class TraceEventResponse {
  @ApiProperty() eventId!: string;
  @ApiProperty({ enum: TRACE_EVENTS }) event!: string;
  @ApiProperty() documentUuid!: string;
  @ApiPropertyOptional() documentId?: string;
  @ApiPropertyOptional() messageId?: string;
  @ApiProperty({ enum: ['edoc', 'status'] }) kind!: string;
  @ApiProperty() sender!: string;
  @ApiProperty() recipient!: string;
  @ApiPropertyOptional() statusCode?: string;
  @ApiPropertyOptional() detail?: string;
  @ApiProperty() nodeId!: string;
  @ApiProperty() occurredAt!: Date;
  @ApiProperty() receivedAt!: Date;

  static from(record: TraceEventRecord): TraceEventResponse {
    return Object.assign(new TraceEventResponse(), record);
  }
}
