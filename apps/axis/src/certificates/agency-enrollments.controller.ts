import { Controller, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../http/operator.decorator';
import { EnrollmentTokenResponse } from './dto/enrollment-token.response';
import { EnrollmentService } from './enrollment.service';

@ApiTags('agencies')
@OperatorOnly()
@Controller('agencies/:code/enrollments')
export class AgencyEnrollmentsController {
  constructor(private readonly enrollment: EnrollmentService) {}

  @Post()
  @ApiOperation({
    summary:
      'A new one-time enrollment token (move to another node, re-key); earlier unused ones stop working',
  })
  create(@Param('code') code: string): Promise<EnrollmentTokenResponse> {
    return this.enrollment.createForAgency(code);
  }
}
