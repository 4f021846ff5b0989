import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  host(@Body() body: HostAgencyDto): Promise<HostedAgencyView> {
    return this.agencies.host(body.code, body.enrollmentToken);
  }

  @Get()
  list(): Promise<HostedAgencyView[]> {
    return this.agencies.list();
  }

  /** Stops consuming its inbox; its documents and key stay for audit. */
  @Delete(':code')
  @HttpCode(204)
  remove(@Param('code') code: string): Promise<void> {
    return this.agencies.remove(code);
  }
}
