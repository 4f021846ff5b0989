import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';

export class HostAgencyDto {
  @ApiProperty({ example: '000.00.00.H41', description: 'The agency identifier code' })
  @Matches(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, {
    message: 'code must be an identifier code (ddd.dd.dd.Xdd)',
  })
  code!: string;

  @ApiProperty({ description: 'The one-time enrollment token the axis operator issued for the agency' })
  @IsString()
  @Length(1, 1000)
  enrollmentToken!: string;
}
