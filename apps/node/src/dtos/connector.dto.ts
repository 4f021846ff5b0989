import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Length } from 'class-validator';

export class CreateConnectorDto {
  @ApiProperty({ example: 'vxp.saas.03', description: 'The `systemid` of the SDK configuration' })
  @IsString()
  @Length(1, 128)
  systemId!: string;

  @ApiPropertyOptional({ example: 'Phần mềm QLVB dùng chung của tỉnh' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiProperty({ type: [String], example: ['000.00.00.H41'], description: 'Hosted agencies it may act for' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  agencies!: string[];

  @ApiPropertyOptional({
    description:
      'The `secret` the software is already configured with (so only the endpoint URL changes); made at random when absent',
  })
  @IsOptional()
  @IsString()
  @Length(16, 256)
  secret?: string;
}

export class RotateConnectorDto {
  @ApiPropertyOptional({ description: 'The new secret; made at random when absent' })
  @IsOptional()
  @IsString()
  @Length(16, 256)
  secret?: string;
}
