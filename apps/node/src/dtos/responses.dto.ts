import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * Response shapes for the OpenAPI description. The services return plain interfaces; these
 * classes only describe them (nothing is validated or transformed on the way out).
 */

export class ErrorResponse {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty({ example: 'EDXML_MISSING_ELEMENT', description: 'Stable, machine-readable' })
  code!: string;
  @ApiProperty({ example: 'A document package needs at least one recipient <To>' }) message!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
}

export class SubmitResultResponse {
  @ApiProperty({ format: 'uuid', description: "The node's id of the sent document" }) id!: string;
  @ApiProperty({ example: '000.00.00.G22,2026/11/20,12/VPCP-TTĐT' }) documentId!: string;
  @ApiProperty({ type: [String] }) recipients!: string[];
  @ApiPropertyOptional({ enum: [1, 2, 3], description: '1 revoke, 2 update, 3 replace' })
  businessDocType?: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'The original it revokes, updates or replaces' })
  originalId?: string;
}

export class WithdrawnStatusResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() recipient!: string;
}

export class WithdrawResultResponse {
  @ApiProperty({ format: 'uuid', description: 'The withdrawn document' }) id!: string;
  @ApiProperty() documentId!: string;
  @ApiProperty({ type: [String] }) recipients!: string[];
  @ApiProperty({ type: [WithdrawnStatusResponse], description: 'One signed status 13 per recipient' })
  statuses!: WithdrawnStatusResponse[];
}

export class SentDocumentSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional() documentId?: string;
  @ApiProperty({ description: 'The hosted agency that sent it' }) agency!: string;
  @ApiProperty({ type: [String] }) recipients!: string[];
  @ApiPropertyOptional({ example: '12/VPCP-TTĐT' }) code?: string;
  @ApiPropertyOptional() subject?: string;
  @ApiPropertyOptional({ enum: [0, 1, 2, 3], description: '0 new, 1 revoke, 2 update, 3 replace' })
  businessDocType?: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'A revocation, update or replacement: its original' })
  originalId?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TimelineEntryResponse {
  @ApiProperty({
    enum: ['submitted', 'published', 'failed', 'status', 'revoke', 'update', 'replace', 'withdraw'],
  })
  event!: string;
  @ApiPropertyOptional({ example: '15' }) statusCode?: string;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A request: the document (or 13) it sent. A 15/16: the request it answers',
  })
  relatedId?: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class RecipientDeliveryResponse {
  @ApiProperty() code!: string;
  @ApiProperty({ enum: ['pending', 'published', 'failed', 'status'] }) state!: string;
  @ApiPropertyOptional() lastStatusCode?: string;
  @ApiProperty({ type: [TimelineEntryResponse] }) timeline!: TimelineEntryResponse[];
}

export class SentDocumentDetailResponse extends SentDocumentSummaryResponse {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The signed content as JSON' })
  metadata!: Record<string, unknown>;
  @ApiProperty({ type: [RecipientDeliveryResponse] }) deliveries!: RecipientDeliveryResponse[];
  @ApiProperty({
    type: [SentDocumentSummaryResponse],
    description: 'Its revocations, updates and replacements',
  })
  related!: SentDocumentSummaryResponse[];
}

export class InboxItemResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional() documentId?: string;
  @ApiProperty({ description: 'The hosted agency that received it' }) agency!: string;
  @ApiProperty() sender!: string;
  @ApiPropertyOptional() code?: string;
  @ApiPropertyOptional() subject?: string;
  @ApiPropertyOptional({ enum: [0, 1, 2, 3], description: '0 new, 1 revoke, 2 update, 3 replace' })
  businessDocType?: number;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A revocation, update or replacement: the received original, when this node has it',
  })
  originalId?: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) takenAt?: string;
}

export class SenderStatusResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '13' }) statusCode!: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) staffInfo?: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

export class InboxDocumentResponse extends InboxItemResponse {
  @ApiProperty() packageSha256!: string;
  @ApiProperty() packageSize!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'From the verified, signed content',
  })
  metadata!: Record<string, unknown>;
  @ApiProperty({
    type: [InboxItemResponse],
    description: 'Revocations, updates and replacements received for it',
  })
  related!: InboxItemResponse[];
  @ApiProperty({ type: [SenderStatusResponse], description: "The sender's statuses about it (13)" })
  senderStatuses!: SenderStatusResponse[];
}

export class SentStatusResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() statusCode!: string;
  @ApiProperty({ description: "The document's sender, which the status goes to" }) recipient!: string;
}

export class HostedAgencyResponse {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() certificateSerial!: string;
  @ApiProperty({ format: 'date-time' }) certificateNotAfter!: string;
  @ApiProperty({ description: 'false while its inbox queue cannot be consumed' }) consuming!: boolean;
}
