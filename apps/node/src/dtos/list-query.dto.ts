import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class SentQueryDto {
  @ApiPropertyOptional({ description: 'Only this agency (one the key may act for)' })
  @IsOptional()
  @IsString()
  agency?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class InboxQueryDto extends SentQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Include documents already marked taken' })
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean()
  includeTaken?: boolean;
}
