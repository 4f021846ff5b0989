import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { Priority } from '@lienthong/edxml';
import { StaffInfoDto } from './send-status.dto';

/** What every request about a sent document carries: why, and who at the sender asks. */
class RequestReasonDto {
  @ApiProperty({
    description: 'Bussiness/BussinessDocReason (a 13: its Description)',
    example: 'Ban hành nhầm',
  })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiPropertyOptional({ type: StaffInfoDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => StaffInfoDto)
  staffInfo?: StaffInfoDto;
}

/** Revoke (BussinessDocType 1) or withdraw (status 13): the original's recipients, or some of them. */
export class RevokeDocumentDto extends RequestReasonDto {
  @ApiPropertyOptional({
    type: [String],
    description: "Only these of the original's recipients (default: all of them)",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  recipients?: string[];
}

export class WithdrawDocumentDto extends RevokeDocumentDto {}

export class DocumentTypeDto {
  @ApiProperty() @IsString() @Length(1, 100) type!: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() typeDetail?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) typeName?: string;
}

export class SignerInfoDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) competence?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) position?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) fullName?: string;
}

export class OtherInfoDto {
  @ApiPropertyOptional({ enum: [0, 1, 2, 3, 4], description: '0 normal … 4 timed express' })
  @IsOptional()
  @IsIn([0, 1, 2, 3, 4])
  priority?: Priority;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) sphereOfPromulgation?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) typerNotation?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) promulgationAmount?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) pageAmount?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() direction?: boolean;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  appendixes?: string[];
}

/**
 * The MessageHeader fields an update may change. The identity of the document (From, Code,
 * PromulgationInfo, hence its DocumentId) does not change: a new number is a new document, sent
 * as a replacement. Recipients change through `receivers`.
 */
export class DocumentChangesDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 2000) subject?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) content?: string;

  @ApiPropertyOptional({ type: DocumentTypeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DocumentTypeDto)
  documentType?: DocumentTypeDto;

  @ApiPropertyOptional({ type: SignerInfoDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SignerInfoDto)
  signerInfo?: SignerInfoDto;

  @ApiPropertyOptional({ description: 'yyyy/MM/dd', example: '2026/12/31' })
  @IsOptional()
  @IsString()
  dueDate?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  toPlaces?: string[];

  @ApiPropertyOptional({ type: OtherInfoDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OtherInfoDto)
  otherInfo?: OtherInfoDto;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(9) steeringType?: number;
}

export class ReceiverDto {
  @ApiProperty({ example: '000.00.00.H41' }) @IsString() @Length(1, 100) organId!: string;

  @ApiProperty({
    description:
      'Written to ReceiverList/Receiver/ReceiverType as given (QCVN 102 leaves its values to the exchange)',
    example: 0,
  })
  @IsInt()
  @Min(0)
  @Max(9)
  receiverType!: number;
}

/** Update (BussinessDocType 2). */
export class UpdateDocumentDto extends RequestReasonDto {
  @ApiPropertyOptional({ type: DocumentChangesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DocumentChangesDto)
  changes?: DocumentChangesDto;

  @ApiPropertyOptional({
    type: [ReceiverDto],
    description:
      "BussinessDocumentInfo/ReceiverList: the update goes to exactly these (default: the original's recipients)",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ReceiverDto)
  receivers?: ReceiverDto[];
}

/** Replace (BussinessDocType 3): the new document is the request body, as for POST /documents. */
export class ReplaceQueryDto {
  @ApiPropertyOptional({
    description: 'Bussiness/BussinessDocReason, when the package does not carry one itself',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}
