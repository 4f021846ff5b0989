import { Body, Controller, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EnrollDto } from './dto/enroll.dto';
import { EnrollResponseDto } from './dto/enroll.response';
import { EnrollmentService } from './enrollment.service';

/** Node-facing: the one-time token is the credential, not the operator token. */
@ApiTags('nodes')
@Controller('enroll')
export class EnrollmentController {
  constructor(private readonly enrollment: EnrollmentService) {}

  @Post()
  @ApiOperation({ summary: 'Spend a one-time token: certify the CSR key for the token’s agency' })
  enroll(@Body() body: EnrollDto): Promise<EnrollResponseDto> {
    return this.enrollment.enroll(body);
  }
}
