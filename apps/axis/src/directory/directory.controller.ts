import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DirectoryEntry } from '@lienthong/protocol';
import { DirectoryService } from './directory.service';
import { DirectoryEntryResponse } from './dto/directory-entry.response';

/** Node-facing and public within the network: no secrets in it. */
@ApiTags('nodes')
@Controller('directory')
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  @Get()
  @ApiOperation({ summary: 'Every agency with its node, state and current certificate' })
  @ApiOkResponse({ type: [DirectoryEntryResponse] })
  list(): Promise<DirectoryEntry[]> {
    return this.directory.directory();
  }
}
