import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
  Query,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiSecurity,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { ApiCaller } from '../domain/api-key';
import { InboxQueryDto } from '../dtos/list-query.dto';
import {
  ErrorResponse,
  InboxDocumentResponse,
  InboxItemResponse,
  SentStatusResponse,
} from '../dtos/responses.dto';
import { SendStatusDto } from '../dtos/send-status.dto';
import { ApiKeyGuard } from '../http/api-key.guard';
import { Caller } from '../http/caller.decorator';
import { InboxDocument, InboxItem, InboxService, SentStatus } from '../services/inbox.service';

@ApiTags('inbox')
@ApiSecurity('api-key')
@UseGuards(ApiKeyGuard)
@Controller('api/v1/inbox')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  /** Received documents not yet taken (all of them with includeTaken=true). */
  @Get()
  @ApiOkResponse({ type: [InboxItemResponse] })
  list(@Caller() caller: ApiCaller, @Query() query: InboxQueryDto): Promise<InboxItem[]> {
    return this.inbox.list(caller, query);
  }

  /** Metadata read from the verified, signed content, with the revocations/updates/replacements and 13s received for it. */
  @Get(':id')
  @ApiOkResponse({ type: InboxDocumentResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@Caller() caller: ApiCaller, @Param('id') id: string): Promise<InboxDocument> {
    return this.inbox.get(caller, id);
  }

  /** The signed package exactly as received, for the agency's archive and for auditors. */
  @Get(':id/package')
  async package(@Caller() caller: ApiCaller, @Param('id') id: string): Promise<StreamableFile> {
    return new StreamableFile(await this.inbox.package(caller, id), { type: 'application/xml' });
  }

  @Get(':id/attachments/:index')
  async attachment(
    @Caller() caller: ApiCaller,
    @Param('id') id: string,
    @Param('index', ParseIntPipe) index: number,
  ): Promise<StreamableFile> {
    const attachment = await this.inbox.attachment(caller, id, index);
    return new StreamableFile(attachment.data, {
      type: attachment.contentType,
      disposition: `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`,
      length: attachment.size,
    });
  }

  /** Idempotent. */
  @Post(':id/taken')
  @HttpCode(200)
  @ApiOkResponse({ type: InboxItemResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  taken(@Caller() caller: ApiCaller, @Param('id') id: string): Promise<InboxItem> {
    return this.inbox.markTaken(caller, id);
  }

  /**
   * A business status (03…06, 15, 16), signed and sent back to the document's sender. 15/16
   * answer a revocation, update or replacement, or the sender's withdrawal request (13); 13 itself
   * is the sender's (POST /documents/sent/:id/withdraw): 422 STATUS_NOT_APPLICABLE otherwise.
   */
  @Post(':id/statuses')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: SentStatusResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse })
  sendStatus(
    @Caller() caller: ApiCaller,
    @Param('id') id: string,
    @Body() body: SendStatusDto,
  ): Promise<SentStatus> {
    return this.inbox.sendStatus(caller, id, body);
  }
}
