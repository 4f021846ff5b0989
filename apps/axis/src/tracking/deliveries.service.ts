import { Injectable } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import { DeliveryRepository } from './delivery.repository';
import { decodeCursor, encodeCursor } from './delivery-cursor';
import type { DeliveriesQueryDto } from './dto/deliveries-query.dto';
import { DeliveryPageResponse } from './dto/delivery-page.response';
import { DeliveryResponse } from './dto/delivery.response';
import { TimelineResponse } from './dto/timeline.response';
import { TraceEventResponse } from './dto/trace-event.response';
import { TraceRepository } from './trace.repository';
import { TransactionRunner } from '../database/transaction';

const DEFAULT_PAGE_SIZE = 50;

/** What operators ask about deliveries. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly traces: TraceRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  async search(query: DeliveriesQueryDto): Promise<DeliveryPageResponse> {
    const page = await this.deliveries.search({
      documentId: query.documentId,
      agency: query.agency,
      state: query.state,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
    });
    return {
      items: page.items.map((d) => DeliveryResponse.from(d)),
      ...(page.last !== undefined ? { nextCursor: encodeCursor(page.last) } : {}),
    };
  }

  async timeline(documentUuid: string): Promise<TimelineResponse> {
    // One snapshot: a batch committed between two reads would show events without their state.
    const [deliveries, events] = await this.transactions.snapshot(
      async (tx) =>
        [
          await this.deliveries.listByDocument(documentUuid, tx),
          await this.traces.listByDocument(documentUuid, tx),
        ] as const,
    );
    const first = deliveries[0] ?? events[0];
    if (!first) throw AppError.notFound('DOCUMENT_NOT_FOUND', `No trace of document ${documentUuid}`);
    return {
      documentUuid,
      documentId:
        deliveries.find((d) => d.documentId)?.documentId ?? events.find((e) => e.documentId)?.documentId,
      sender: first.sender,
      deliveries: deliveries.map((d) => DeliveryResponse.from(d)),
      events: events.map((e) => TraceEventResponse.from(e)),
    };
  }
}
