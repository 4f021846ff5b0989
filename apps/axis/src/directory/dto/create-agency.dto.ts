import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateAgencyDto {
  @ApiProperty({ example: '000.00.00.H41', description: 'Identifier code (QCVN 102, strict form)' })
  @IsString()
  @MaxLength(100)
  code!: string;

  @ApiProperty({ example: 'UBND tỉnh Nghệ An' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  name!: string;

  @ApiPropertyOptional({ example: '000.00.00.G22' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  parentCode?: string;
}
