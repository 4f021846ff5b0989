import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'document management software of UBND Nghệ An' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({
    type: [String],
    example: ['000.00.00.H41'],
    description: 'Hosted agencies the key may act for',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  agencies!: string[];
}
