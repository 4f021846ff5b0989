import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Delivery } from '../delivery';
import { DELIVERY_STATES, DeliveryState } from '../delivery-state';

export class DeliveryResponse {
  @ApiProperty() documentUuid!: string;
  @ApiProperty() recipient!: string;
  @ApiProperty() sender!: string;
  @ApiPropertyOptional() documentId?: string;
  @ApiPropertyOptional() messageId?: string;
  @ApiProperty({ enum: ['edoc', 'status'] }) kind!: string;
  @ApiProperty({ enum: DELIVERY_STATES }) state!: DeliveryState;
  @ApiPropertyOptional({ example: '03' }) statusCode?: string;
  @ApiPropertyOptional() detail?: string;
  @ApiProperty({ description: 'When the step that set the state happened' }) stateOccurredAt!: Date;
  @ApiProperty({ description: 'When the axis first heard of the delivery' }) createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

  static from(delivery: Delivery): DeliveryResponse {
    return Object.assign(new DeliveryResponse(), delivery);
  }
}
