import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponse, HostedAgencyResponse } from '../dtos/responses.dto';
import { HostAgencyDto } from '../dtos/host-agency.dto';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { AgenciesService, HostedAgencyView } from '../services/agencies.service';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/v1/admin/agencies')
export class AdminAgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  /** Generates the agency's key, enrolls it at the axis, and starts consuming its inbox. */
  @Post()
  @ApiCreatedResponse({ type: HostedAgencyResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'AGENCY_ALREADY_HOSTED, DEDICATED_NODE_OCCUPIED' })
  host(@Body() body: HostAgencyDto): Promise<HostedAgencyView> {
    return this.agencies.host(body.code, body.enrollmentToken);
  }

  @Get()
  @ApiOkResponse({ type: [HostedAgencyResponse] })
  list(): Promise<HostedAgencyView[]> {
    return this.agencies.list();
  }

  /** Stops consuming its inbox; its documents and key stay for audit. A dedicated node keeps its one agency. */
  @Delete(':code')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'AGENCY_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'DEDICATED_NODE_LAST_AGENCY' })
  remove(@Param('code') code: string): Promise<void> {
    return this.agencies.remove(code);
  }
}
