import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { DirectoryEntry } from '@lienthong/protocol';
import { ApiKeyGuard } from '../http/api-key.guard';
import { TrustStore } from '../services/trust-store.service';

@ApiTags('directory')
@ApiSecurity('api-key')
@UseGuards(ApiKeyGuard)
@Controller('api/v1/directory')
export class DirectoryController {
  constructor(private readonly trust: TrustStore) {}

  /** The agencies documents can be addressed to, as last fetched from the axis. */
  @Get()
  list(): DirectoryEntry[] {
    return this.trust.directory();
  }
}
