import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppError } from '@lienthong/common';
import type { Response } from 'express';
import { DELIVERY_STATES } from '../tracking/delivery-state';
import { toCsv } from './csv';
import { DashboardAuthGuard, DashboardRequest, DashboardSessions } from './dashboard-auth.guard';
import { DashboardExceptionFilter } from './dashboard-exception.filter';
import type { DeliveryRow, DocumentSearch, EventRow } from './dashboard.repository';
import { DashboardService } from './dashboard.service';
import { Language, parseLanguage, translate } from './i18n';
import { LATE_STEPS, ReportOptions } from './report';
import {
  LANGUAGE_COOKIE,
  LOGIN_CSRF_COOKIE,
  SESSION_COOKIE,
  SESSION_HOURS,
  equal,
  newLoginCsrf,
} from './session';
import { hourlyChartSvg } from './svg-chart';
import { DashboardViews, PageContext, vietnamTime } from './views';
import { parseHolidays, startOfVietnamDay, vietnamDay } from './working-days';

const PAGE_SIZE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** The steps of one copy's progress, in order, with the event that marks each. */
const PROGRESS: { step: string; matches: (e: EventRow) => boolean }[] = [
  { step: 'submitted', matches: (e) => e.event === 'submitted' },
  { step: 'published', matches: (e) => e.event === 'published' },
  { step: 'delivered', matches: (e) => e.event === 'delivered' },
  { step: 'arrived', matches: (e) => e.event === 'status' && e.statusCode === '01' },
  { step: 'taken', matches: (e) => e.event === 'taken' },
  { step: 'accepted', matches: (e) => e.event === 'status' && e.statusCode === '03' },
  { step: 'finished', matches: (e) => e.event === 'status' && e.statusCode === '06' },
];

const FAILURE_STATES = new Set(['failed', 'quarantined', 'rejected']);

type QueryParams = Record<string, string | string[] | undefined>;

function one(query: QueryParams, key: string): string | undefined {
  const value = query[key];
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

function many(body: Record<string, unknown>, key: string): string[] {
  const value = body[key];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

/** A `YYYY-MM-DD` day (Vietnam time) or a datetime-local value, as an instant. */
function parseTime(value: string | undefined, field: string, endOfDay = false): Date | undefined {
  if (value === undefined) return undefined;
  if (DAY.test(value)) {
    const start = startOfVietnamDay(value);
    return endOfDay ? new Date(start.getTime() + DAY_MS) : start;
  }
  const parsed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)
    ? new Date(`${value}+07:00`)
    : new Date(value);
  if (Number.isNaN(parsed.getTime())) {
    throw AppError.invalid('VALIDATION_FAILED', `${field}: not a date`, { field });
  }
  return parsed;
}

function stateClass(state: string): string {
  if (FAILURE_STATES.has(state)) return 'bad';
  if (['submitted', 'published'].includes(state)) return 'pending';
  return 'good';
}

/**
 * The operators' web dashboard (docs/dashboard.md): server-rendered pages under /dashboard,
 * behind the operator login. Not part of the JSON API, so not in the OpenAPI document.
 */
@ApiExcludeController()
@Controller('dashboard')
@UseFilters(DashboardExceptionFilter)
export class DashboardController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly views: DashboardViews,
    private readonly sessions: DashboardSessions,
  ) {}

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const asset = this.views.assets.get(file);
    if (!asset) throw AppError.notFound('ASSET_NOT_FOUND', `No dashboard asset ${file}`);
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type(asset.type).send(asset.body);
  }

  @Get('lang/:lang')
  language(@Param('lang') lang: string, @Query('back') back: string | undefined, @Res() res: Response): void {
    res.cookie(LANGUAGE_COOKIE, parseLanguage(lang), {
      httpOnly: true,
      sameSite: 'strict',
      path: '/dashboard',
      maxAge: 365 * DAY_MS,
    });
    // Only back to a dashboard page: never an open redirect.
    const target =
      typeof back === 'string' && /^\/dashboard(\/|\?|$)/.test(back) && !back.includes('//')
        ? back
        : '/dashboard';
    res.redirect(303, target);
  }

  @Get('login')
  loginPage(@Req() req: DashboardRequest, @Res() res: Response): void {
    this.showLogin(req, res, undefined);
  }

  @Post('login')
  login(@Req() req: DashboardRequest, @Body() body: Record<string, unknown>, @Res() res: Response): void {
    const lang = this.lang(req);
    const cookie = (req.cookies as Record<string, string | undefined>)[LOGIN_CSRF_COOKIE];
    if (typeof body._csrf !== 'string' || !cookie || !equal(body._csrf, cookie)) {
      this.showLogin(req, res, translate(lang, 'login.expired'), 403);
      return;
    }
    const operator = typeof body.operator === 'string' ? body.operator.trim().slice(0, 100) : '';
    if (!operator || !this.sessions.checkOperatorToken(this.sessions.config.operatorToken, body.token)) {
      this.showLogin(req, res, translate(lang, 'login.failed'), 401);
      return;
    }
    const session = this.sessions.issue(operator);
    res.clearCookie(LOGIN_CSRF_COOKIE, { path: '/dashboard' });
    res.cookie(SESSION_COOKIE, this.sessions.sign(session), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/dashboard',
      maxAge: SESSION_HOURS * 3_600_000,
    });
    res.redirect(303, '/dashboard/overview');
  }

  @Post('logout')
  @UseGuards(DashboardAuthGuard)
  logout(@Res() res: Response): void {
    res.clearCookie(SESSION_COOKIE, { path: '/dashboard' });
    res.redirect(303, '/dashboard/login');
  }

  @Get()
  @UseGuards(DashboardAuthGuard)
  home(@Res() res: Response): void {
    res.redirect(303, '/dashboard/overview');
  }

  @Get('overview')
  @UseGuards(DashboardAuthGuard)
  async overview(@Req() req: DashboardRequest, @Res() res: Response): Promise<void> {
    const lang = this.lang(req);
    const overview = await this.dashboard.overview();
    const chart = hourlyChartSvg(overview.hours, {
      title: translate(lang, 'overview.chart'),
      sent: translate(lang, 'overview.sent'),
      delivered: translate(lang, 'overview.delivered'),
      failed: translate(lang, 'overview.failed'),
    });
    const states = DELIVERY_STATES.filter((s) => overview.states[s]).map((s) => ({
      state: s,
      count: overview.states[s],
      cls: stateClass(s),
    }));
    this.send(res, 'overview', this.page(req, 'overview', { ...overview, chart, states }));
  }

  @Get('documents')
  @UseGuards(DashboardAuthGuard)
  async documents(
    @Req() req: DashboardRequest,
    @Query() query: QueryParams,
    @Res() res: Response,
  ): Promise<void> {
    const q = {
      q: one(query, 'q'),
      agency: one(query, 'agency'),
      state: one(query, 'state'),
      from: one(query, 'from'),
      to: one(query, 'to'),
      before: one(query, 'before'),
    };
    const search: DocumentSearch = { limit: PAGE_SIZE };
    if (q.q && UUID.test(q.q)) search.uuid = q.q.toLowerCase();
    else if (q.q) search.text = q.q;
    if (q.agency) search.agency = q.agency;
    if (q.state && (DELIVERY_STATES as string[]).includes(q.state)) search.state = q.state;
    search.from = parseTime(q.from, 'from');
    search.to = parseTime(q.to, 'to', true);
    if (q.before && /^\d{1,19}$/.test(q.before)) search.before = q.before;
    const rows = await this.dashboard.searchDocuments(search);
    const items = rows.slice(0, PAGE_SIZE).map((d) => this.deliveryView(d));
    let next: string | undefined;
    if (rows.length > PAGE_SIZE) {
      const params = new URLSearchParams(
        Object.entries({ ...q, before: items[items.length - 1].seq }).filter(
          (e): e is [string, string] => typeof e[1] === 'string',
        ),
      );
      next = `/dashboard/documents?${params.toString()}`;
    }
    const states = DELIVERY_STATES.map((s) => ({ value: s, selected: s === q.state }));
    this.send(res, 'documents', this.page(req, 'documents', { q, items, next, states }));
  }

  @Get('documents/:uuid')
  @UseGuards(DashboardAuthGuard)
  async document(
    @Req() req: DashboardRequest,
    @Param('uuid') uuid: string,
    @Res() res: Response,
  ): Promise<void> {
    if (!UUID.test(uuid)) throw AppError.invalid('DOCUMENT_UUID_INVALID', 'The document id must be a UUID');
    const { deliveries, events } = await this.dashboard.document(uuid.toLowerCase());
    const recipients = [
      ...new Set([...deliveries.map((d) => d.recipient), ...events.map((e) => e.recipient)]),
    ];
    const progress = recipients.map((recipient) => {
      const mine = events.filter((e) => e.recipient === recipient);
      const delivery = deliveries.find((d) => d.recipient === recipient);
      return {
        recipient,
        delivery: delivery ? this.deliveryView(delivery) : undefined,
        steps: PROGRESS.map(({ step, matches }) => {
          const hit = mine.find(matches);
          return { step, done: hit !== undefined, at: hit?.occurredAt };
        }),
      };
    });
    const first = deliveries[0] ?? events[0];
    this.send(
      res,
      'document',
      this.page(req, 'documents', {
        uuid,
        documentId:
          deliveries.find((d) => d.documentId)?.documentId ?? events.find((e) => e.documentId)?.documentId,
        sender: first.sender,
        progress,
        events: events.map((e) => ({
          ...e,
          cls: ['failed', 'quarantined'].includes(e.event) || e.statusCode === '02' ? 'bad' : '',
        })),
      }),
    );
  }

  @Get('failures')
  @UseGuards(DashboardAuthGuard)
  async failures(
    @Req() req: DashboardRequest,
    @Query('redriven') redriven: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const { deliveries, deadLetters } = await this.dashboard.failures();
    this.send(
      res,
      'failures',
      this.page(req, 'failures', {
        deliveries: deliveries.map((d) => this.deliveryView(d)),
        deadLetters: deadLetters.map((q) => ({
          ...q,
          shown: q.messages.length,
          messages: q.messages.map((m) => ({
            ...m,
            from: m.headers['x-lienthong-from'],
            kind: m.headers['x-lienthong-kind'],
            document: m.headers['x-lienthong-document'],
            reason: m.lastError ?? m.headers['x-first-death-reason'],
          })),
        })),
        redriven: redriven !== undefined && /^\d+$/.test(redriven) ? Number(redriven) : undefined,
      }),
    );
  }

  /** One message (`messageId`), the ticked ones (`messageIds`), or the whole queue (`all`). */
  @Post('failures/redrive')
  @HttpCode(303)
  @UseGuards(DashboardAuthGuard)
  async redrive(
    @Req() req: DashboardRequest,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ): Promise<void> {
    const queue = typeof body.queue === 'string' ? body.queue : '';
    const ids = [...many(body, 'messageId'), ...many(body, 'messageIds')];
    const all = body.all === '1';
    if (!all && ids.length === 0) {
      throw AppError.invalid('NOTHING_SELECTED', 'Choose at least one message, or re-drive the whole queue');
    }
    const redriven = await this.dashboard.redrive(
      req.dashboardSession?.operator ?? 'operator',
      queue,
      all ? undefined : ids,
    );
    res.redirect(303, `/dashboard/failures?redriven=${redriven.length}`);
  }

  @Get('agencies')
  @UseGuards(DashboardAuthGuard)
  async agencies(@Req() req: DashboardRequest, @Res() res: Response): Promise<void> {
    const lang = this.lang(req);
    const agencies = (await this.dashboard.agencies()).map((a) => ({
      ...a,
      certCls: { valid: 'good', expiring: 'warn', expired: 'bad', revoked: 'bad', none: 'pending' }[
        a.certificateStatus
      ],
      daysLeftText: a.daysLeft !== undefined ? translate(lang, 'cert.daysLeft', { n: a.daysLeft }) : '',
    }));
    this.send(
      res,
      'agencies',
      this.page(req, 'agencies', {
        agencies,
        suspended: agencies.filter((a) => a.state === 'suspended'),
        expiring: agencies.filter(
          (a) => a.certificateStatus === 'expiring' || a.certificateStatus === 'expired',
        ),
      }),
    );
  }

  @Get('reports')
  @UseGuards(DashboardAuthGuard)
  @Header('Cache-Control', 'no-store')
  async reports(
    @Req() req: DashboardRequest,
    @Query() query: QueryParams,
    @Res() res: Response,
  ): Promise<void> {
    const lang = this.lang(req);
    const now = new Date();
    const today = vietnamDay(now);
    const form = {
      from: one(query, 'from') ?? vietnamDay(new Date(now.getTime() - 29 * DAY_MS)),
      to: one(query, 'to') ?? today,
      workingDays: one(query, 'workingDays') ?? '2',
      finishWorkingDays: one(query, 'finishWorkingDays') ?? '10',
      holidays: one(query, 'holidays') ?? '',
    };
    if (!DAY.test(form.from) || !DAY.test(form.to) || form.from > form.to) {
      throw AppError.invalid(
        'PERIOD_INVALID',
        'The period needs two days (YYYY-MM-DD), the first not after the second',
      );
    }
    const workingDays = Number(form.workingDays);
    const finishWorkingDays = Number(form.finishWorkingDays);
    for (const [field, n] of [
      ['workingDays', workingDays],
      ['finishWorkingDays', finishWorkingDays],
    ] as const) {
      if (!Number.isInteger(n) || n < 0 || n > 365) {
        throw AppError.invalid('VALIDATION_FAILED', `${field}: a whole number of working days, 0 to 365`, {
          field,
        });
      }
    }
    const options: ReportOptions = {
      from: startOfVietnamDay(form.from),
      to: new Date(startOfVietnamDay(form.to).getTime() + DAY_MS),
      workingDays,
      finishWorkingDays,
      holidays: parseHolidays(form.holidays),
      asOf: now,
    };
    const report = await this.dashboard.report(options);
    const format = one(query, 'format');
    if (format === 'csv' || format === 'late.csv') {
      const late = format === 'late.csv';
      const csv = late
        ? toCsv([
            ['document_uuid', 'document_id', 'sender', 'recipient', 'sent_at', 'missing', 'deadline'],
            ...report.lateDeliveries.map((l) => [
              l.documentUuid,
              l.documentId,
              l.sender,
              l.recipient,
              vietnamTime(l.sentAt),
              translate(lang, `late.${l.step}`),
              vietnamTime(l.deadline),
            ]),
          ])
        : toCsv([
            ['period_from', form.from, 'period_to', form.to, 'as_of', vietnamTime(now)],
            ['agencies_connected', report.agenciesConnected],
            ['agencies_sent', report.agenciesSent],
            ['agencies_received', report.agenciesReceived],
            ['dedicated', report.dedicated],
            ['shared', report.shared],
            ['unknown_mode', report.unknownMode],
            ['documents_sent', report.documentsSent],
            ['copies_sent', report.copiesSent],
            ['copies_received', report.copiesReceived],
            [],
            [
              'code',
              'name',
              'mode',
              'connected',
              'state',
              'documents_sent',
              'copies_addressed',
              'copies_received',
              ...LATE_STEPS,
            ],
            ...report.rows.map((r) => [
              r.code,
              r.name,
              r.mode ?? '',
              r.connected ? 'yes' : 'no',
              r.state,
              r.documentsSent,
              r.copiesAddressed,
              r.copiesReceived,
              ...LATE_STEPS.map((s) => r.late[s]),
            ]),
          ]);
      const name = `lienthong-${late ? 'late' : 'report'}-${form.from}-${form.to}.csv`;
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      res.type('text/csv; charset=utf-8').send(`\uFEFF${csv}`);
      return;
    }
    const params = new URLSearchParams(form);
    const print = one(query, 'print') === '1';
    this.send(
      res,
      'reports',
      this.page(req, 'reports', {
        form,
        report,
        lateSteps: LATE_STEPS,
        rows: report.rows.map((r) => ({ ...r, lateList: LATE_STEPS.map((s) => r.late[s]) })),
        totalsLate: LATE_STEPS.map((s) => report.late[s]),
        late: report.lateDeliveries.slice(0, 500),
        csvUrl: `/dashboard/reports?${params.toString()}&format=csv`,
        lateCsvUrl: `/dashboard/reports?${params.toString()}&format=late.csv`,
        printUrl: `/dashboard/reports?${params.toString()}&print=1`,
        print,
        asOf: now,
      }),
    );
  }

  private showLogin(req: DashboardRequest, res: Response, error: string | undefined, status = 200): void {
    const token = newLoginCsrf();
    res.cookie(LOGIN_CSRF_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/dashboard',
    });
    res.status(status);
    this.send(res, 'login', { ...this.page(req, 'login', { error }), loginCsrf: token, operator: undefined });
  }

  private deliveryView(d: DeliveryRow) {
    return { ...d, cls: stateClass(d.state) };
  }

  private lang(req: DashboardRequest): Language {
    return parseLanguage((req.cookies as Record<string, string | undefined> | undefined)?.[LANGUAGE_COOKIE]);
  }

  private page(req: DashboardRequest, nav: string, data: Record<string, unknown>): PageContext {
    const lang = this.lang(req);
    const session = req.dashboardSession;
    return {
      lang,
      otherLang: lang === 'vi' ? 'en' : 'vi',
      title: translate(lang, `nav.${nav === 'login' ? 'overview' : nav}`),
      nav,
      [`nav_${nav}`]: true,
      here: encodeURIComponent(req.originalUrl),
      ...(session ? { operator: session.operator, csrf: this.sessions.csrfToken(session) } : {}),
      ...data,
    };
  }

  private send(res: Response, view: string, context: PageContext): void {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(this.views.render(view, context));
  }
}
