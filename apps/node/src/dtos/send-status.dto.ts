import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { BUSINESS_STATUS_CODES, BusinessStatusCode } from '../services/inbox.service';

export class StaffInfoDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) department?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) staff?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) mobile?: string;
}

export class SendStatusDto {
  @ApiProperty({
    enum: BUSINESS_STATUS_CODES,
    description:
      '03 accepted, 04 assigned, 05 processing, 06 finished, 13 withdrawn, 15/16 revoke-update agreed/refused',
  })
  @IsIn(BUSINESS_STATUS_CODES)
  statusCode!: BusinessStatusCode;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ type: StaffInfoDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => StaffInfoDto)
  staffInfo?: StaffInfoDto;
}
