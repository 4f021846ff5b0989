import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DeliveryResponse } from './delivery.response';

export class DeliveryPageResponse {
  @ApiProperty({ type: [DeliveryResponse] }) items!: DeliveryResponse[];
  @ApiPropertyOptional({ description: 'Pass as cursor for the next page; absent on the last page' })
  nextCursor?: string;
}
