import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, AxisConfig } from '../config/axis-config';
import { DashboardSession, SESSION_COOKIE, SessionSigner } from './session';

/** Thrown when a page needs a session: the dashboard's exception filter sends the browser to the login page. */
export class LoginRequired extends Error {
  constructor() {
    super('login required');
  }
}

/** A POST whose CSRF token is missing or not this session's. */
export class CsrfRejected extends Error {
  constructor() {
    super('the form is stale or was not made by this dashboard');
  }
}

export type DashboardRequest = Request & { dashboardSession?: DashboardSession };

/** The signer, made from the operator token (changing the token ends every session). */
@Injectable()
export class DashboardSessions extends SessionSigner {
  constructor(@Inject(APP_CONFIG) readonly config: AxisConfig) {
    super(config.operatorToken);
  }
}

/**
 * Every dashboard page but the login: a valid session cookie, and on a state-changing request the
 * session's CSRF token in the form (the cookie is SameSite=Strict as well: two locks).
 */
@Injectable()
export class DashboardAuthGuard implements CanActivate {
  constructor(private readonly sessions: DashboardSessions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<DashboardRequest>();
    const cookies = (request.cookies ?? {}) as Record<string, string | undefined>;
    const session = this.sessions.verify(cookies[SESSION_COOKIE]);
    if (!session) throw new LoginRequired();
    if (!['GET', 'HEAD'].includes(request.method)) {
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (!this.sessions.checkCsrf(session, body._csrf)) throw new CsrfRejected();
    }
    request.dashboardSession = session;
    return true;
  }
}
