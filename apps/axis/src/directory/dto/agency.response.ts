import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AgencyState } from '@lienthong/protocol';
import type { Agency } from '../agency';

export class AgencyResponse {
  @ApiProperty({ example: '000.00.00.H41' }) code!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional() parentCode?: string;
  @ApiPropertyOptional({ description: 'The hosting node, once enrolled' }) nodeId?: string;
  @ApiProperty({ enum: ['active', 'suspended'] }) state!: AgencyState;
  @ApiPropertyOptional({ description: 'Serial of the current certificate' }) certificateSerial?: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

  static from(agency: Agency): AgencyResponse {
    return Object.assign(new AgencyResponse(), agency);
  }
}
