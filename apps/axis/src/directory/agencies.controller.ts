import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../http/operator.decorator';
import { DirectoryService } from './directory.service';
import { AgencyDetailResponse } from './dto/agency-detail.response';
import { AgencyResponse } from './dto/agency.response';
import { CreateAgencyDto } from './dto/create-agency.dto';
import { RegisteredAgencyResponse } from './dto/registered-agency.response';
import { UpdateAgencyDto } from './dto/update-agency.dto';

@ApiTags('agencies')
@OperatorOnly()
@Controller('agencies')
export class AgenciesController {
  constructor(private readonly directory: DirectoryService) {}

  @Post()
  @ApiOperation({ summary: 'Register an agency: its queue, and a one-time enrollment token for its node' })
  register(@Body() body: CreateAgencyDto): Promise<RegisteredAgencyResponse> {
    return this.directory.register(body);
  }

  @Get()
  list(): Promise<AgencyResponse[]> {
    return this.directory.list();
  }

  @Get(':code')
  @ApiOperation({ summary: 'One agency with every certificate issued to it' })
  get(@Param('code') code: string): Promise<AgencyDetailResponse> {
    return this.directory.get(code);
  }

  @Patch(':code')
  update(@Param('code') code: string, @Body() body: UpdateAgencyDto): Promise<AgencyResponse> {
    return this.directory.update(code, body);
  }

  @Post(':code/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend: stays in the directory as suspended; no enrollment meanwhile' })
  suspend(@Param('code') code: string): Promise<AgencyResponse> {
    return this.directory.suspend(code);
  }

  @Post(':code/reactivate')
  @HttpCode(200)
  reactivate(@Param('code') code: string): Promise<AgencyResponse> {
    return this.directory.reactivate(code);
  }
}
