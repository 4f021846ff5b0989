import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AgencyState, DirectoryEntry } from '@lienthong/protocol';

/** The OpenAPI face of the protocol's DirectoryEntry. */
export class DirectoryEntryResponse implements DirectoryEntry {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional() parentCode?: string;
  @ApiPropertyOptional() nodeId?: string;
  @ApiProperty({ enum: ['active', 'suspended'] }) state!: AgencyState;
  @ApiPropertyOptional() certificatePem?: string;
}
