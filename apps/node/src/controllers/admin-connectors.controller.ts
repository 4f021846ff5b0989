import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CreateConnectorDto, RotateConnectorDto } from '../dtos/connector.dto';
import { AdminTokenGuard } from '../http/admin-token.guard';
import {
  ConnectorsService,
  ConnectorView,
  ConnectorWithSecret,
  VdxpFailureView,
} from '../services/connectors.service';

/** VDXP connectors: the `systemid` + `secret` the official VPCP SDK signs its requests with. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/v1/admin/connectors')
export class AdminConnectorsController {
  constructor(private readonly connectors: ConnectorsService) {}

  /** The secret is in this answer only; the node keeps it encrypted. */
  @Post()
  create(@Body() body: CreateConnectorDto): Promise<ConnectorWithSecret> {
    return this.connectors.create(body);
  }

  @Get()
  list(): Promise<ConnectorView[]> {
    return this.connectors.list();
  }

  /** Received items the connectors' software reported with updateStatus `fail`, newest first. */
  @Get('failures')
  failures(@Query('limit') limit?: string): Promise<VdxpFailureView[]> {
    const n = Number(limit ?? 100);
    return this.connectors.listFailures(Number.isSafeInteger(n) ? n : 100);
  }

  @Post(':systemId/rotate')
  @HttpCode(200)
  rotate(
    @Param('systemId') systemId: string,
    @Body() body: RotateConnectorDto,
  ): Promise<ConnectorWithSecret> {
    return this.connectors.rotate(systemId, body.secret);
  }

  @Post(':systemId/disable')
  @HttpCode(200)
  disable(@Param('systemId') systemId: string): Promise<ConnectorView> {
    return this.connectors.disable(systemId);
  }
}
