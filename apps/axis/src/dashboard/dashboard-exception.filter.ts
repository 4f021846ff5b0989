import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import type { Response } from 'express';
import { CsrfRejected, DashboardRequest, LoginRequired } from './dashboard-auth.guard';
import { parseLanguage, translate } from './i18n';
import { LANGUAGE_COOKIE } from './session';
import { DashboardViews } from './views';

const STATUS_OF_KIND: Record<string, number> = {
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  unavailable: 503,
};

/** Dashboard errors as pages: a missing session goes to the login page, anything else is shown. */
@Catch()
export class DashboardExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(DashboardExceptionFilter.name);

  constructor(private readonly views: DashboardViews) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<DashboardRequest>();
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof LoginRequired) {
      response.redirect(303, '/dashboard/login');
      return;
    }
    const lang = parseLanguage((request.cookies as Record<string, string> | undefined)?.[LANGUAGE_COOKIE]);
    let status = 500;
    let message = translate(lang, 'error.title');
    if (error instanceof CsrfRejected) {
      status = 403;
      message = translate(lang, 'login.expired');
    } else if (error instanceof AppError) {
      status = STATUS_OF_KIND[error.kind] ?? 500;
      message = error.message;
    } else if (error instanceof HttpException) {
      status = error.getStatus();
      message = error.message;
    } else {
      this.logger.error(
        `dashboard ${request.method} ${request.path}: ${(error as Error)?.stack ?? String(error)}`,
      );
    }
    response
      .status(status)
      .type('html')
      .send(
        this.views.render('error', {
          lang,
          otherLang: lang === 'vi' ? 'en' : 'vi',
          title: translate(lang, 'error.title'),
          here: encodeURIComponent(request.originalUrl),
          operator: request.dashboardSession?.operator,
          status,
          message,
        }),
      );
  }
}
