import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CreateApiKeyDto } from '../dtos/create-api-key.dto';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { ApiKeysService, ApiKeyView, CreatedApiKey } from '../services/api-keys.service';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/v1/admin/api-keys')
export class AdminApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** The key is in this answer only; the node keeps its SHA-256. */
  @Post()
  create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKey> {
    return this.keys.create(body.name, body.agencies);
  }

  @Get()
  list(): Promise<ApiKeyView[]> {
    return this.keys.list();
  }

  @Post(':id/disable')
  @HttpCode(200)
  disable(@Param('id') id: string): Promise<ApiKeyView> {
    return this.keys.disable(id);
  }
}
