import { Module } from '@nestjs/common';
import { TypeormNodeHeartbeatRepository } from '../database/repositories/typeorm-node-heartbeat.repository';
import { HeartbeatService } from './heartbeat.service';
import { NodeHeartbeatRepository } from './node-heartbeat.repository';

/** The nodes as the axis sees them: their latest heartbeat (mode, hosted agencies, last seen). */
@Module({
  providers: [
    HeartbeatService,
    { provide: NodeHeartbeatRepository, useClass: TypeormNodeHeartbeatRepository },
  ],
  exports: [HeartbeatService],
})
export class NodesModule {}
