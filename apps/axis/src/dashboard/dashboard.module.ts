import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import { TypeormDashboardRepository } from '../database/repositories/typeorm-dashboard.repository';
import { NodesModule } from '../nodes/nodes.module';
import { DashboardAuthGuard, DashboardSessions } from './dashboard-auth.guard';
import { DashboardController } from './dashboard.controller';
import { DashboardExceptionFilter } from './dashboard-exception.filter';
import { DashboardRepository } from './dashboard.repository';
import { DashboardService } from './dashboard.service';
import { DashboardViews } from './views';

/**
 * The operators' web dashboard at /dashboard (docs/dashboard.md). Cookies are parsed for its
 * routes only; the JSON API keeps its bearer token and never reads a cookie.
 */
@Module({
  imports: [NodesModule],
  controllers: [DashboardController],
  providers: [
    DashboardService,
    DashboardViews,
    DashboardSessions,
    DashboardAuthGuard,
    DashboardExceptionFilter,
    { provide: DashboardRepository, useClass: TypeormDashboardRepository },
  ],
})
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(cookieParser()).forRoutes(DashboardController);
  }
}
