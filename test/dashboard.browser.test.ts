import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as amqp from 'amqplib';
import { chromium, Browser, Page } from 'playwright-core';
import { AMQP_URL } from '@lienthong/bus/testing/amqp';
import { BusTopology } from '@lienthong/bus';
import { buildEdxml, EdocPackage, formatEdxmlDate } from '@lienthong/edxml';
import { MESSAGE_HEADERS } from '@lienthong/protocol';
import { Network, startNetwork, waitFor } from './support/network';

/*
 * The operators' dashboard in a real browser (Debian's chromium, driven by playwright-core) over a
 * real network: the axis and two nodes on PostgreSQL and RabbitMQ. The pages must show what the
 * exchange really did: documents sent, one stuck in a dead-letter queue, re-driven from the
 * failures page, then delivered. A screenshot of each page goes to docs/screenshots/.
 */
jest.setTimeout(180_000);

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', 'docs', 'screenshots');

const G22 = { code: '000.00.00.G22', name: 'Văn phòng Chính phủ' };
const H41 = { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' };
const H57 = { code: '000.00.00.H57', name: 'UBND tỉnh Thừa Thiên Huế' };

let serial = 0;
function documentTo(to: string): EdocPackage {
  serial += 1;
  return {
    kind: 'edoc',
    messageHeader: {
      from: { organId: G22.code, organName: G22.name },
      to: [{ organId: to }],
      code: { codeNumber: `${100 + serial}`, codeNotation: `VPCP-DASH${Date.now() % 100000}` },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: formatEdxmlDate(new Date()) },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: `Công văn thử nghiệm bảng điều khiển số ${serial}`,
    },
    traceHeaderList: { traceHeader: [] },
    attachments: [],
  };
}

describe('the operators dashboard in a browser', () => {
  let net: Network;
  let browser: Browser;
  let page: Page;
  let broker: amqp.ChannelModel;
  let topology: BusTopology;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`,
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    net = await startNetwork([
      { id: 'node-vpcp', mode: 'dedicated', agencies: [G22] },
      { id: 'node-shared', mode: 'shared', agencies: [H41, H57] },
    ]);
    topology = new BusTopology({ prefix: net.prefix });
    broker = await amqp.connect(AMQP_URL);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
  });

  afterAll(async () => {
    await browser?.close();
    await broker?.close();
    await net?.close();
  });

  const url = (path: string) => `${net.axisUrl}${path}`;
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  async function send(to: string): Promise<{ id: string; documentId: string }> {
    const res = await net
      .agency(G22.code)
      .post<{ id: string; documentId: string }>('/api/v1/documents', buildEdxml(documentTo(to)));
    expect(res.status).toBe(202);
    return res.body;
  }

  async function depth(queue: string): Promise<number> {
    const ch = await broker.createChannel();
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } finally {
      await ch.close();
    }
  }

  /** Reloads `path` until `selector` is on the page (the page shows it) or the deadline passes. */
  async function reloadUntil(path: string, selector: string, what: string): Promise<void> {
    await waitFor(
      what,
      async () => {
        await page.goto(url(path));
        if ((await page.locator(selector).count()) > 0) return true;
        throw new Error(
          `not on the page yet; it says: ${(await page.locator('main').innerText()).slice(0, 1500)}`,
        );
      },
      30_000,
    );
  }

  it('asks for the operator login, and refuses a wrong token', async () => {
    await page.goto(url('/dashboard'));
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.fill('#operator', 'Nguyễn Văn Vận Hành');
    await page.fill('#token', 'not-the-operator-token-at-all');
    await page.click('#login-submit');
    await expect(page.locator('#login-error').textContent()).resolves.toContain('không đúng');
    // The API never takes the dashboard's cookie, and the dashboard never takes a bearer token.
    const api = await fetch(url('/api/v1/deliveries'));
    expect(api.status).toBe(401);
    await shot('login');
  });

  it('shows documents sent, one stuck in a dead-letter queue, re-drives it, and sees it delivered', async () => {
    // Log in with the operator token (the harness's), as an operator would type it.
    await page.fill('#operator', 'Nguyễn Văn Vận Hành');
    await page.fill('#token', net.operatorToken);
    await page.click('#login-submit');
    expect(new URL(page.url()).pathname).toBe('/dashboard/overview');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'lt_dashboard');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard' });

    // A document that goes all the way: H41 takes it and accepts it (03).
    const ok = await send(H41.code);
    const item = await waitFor('the document in H41 inbox', async () => {
      const inbox = await net.agency(H41.code).get<{ id: string; documentId?: string }[]>('/api/v1/inbox');
      return inbox.body.find((i) => i.documentId === ok.documentId);
    });
    expect((await net.agency(H41.code).post(`/api/v1/inbox/${item.id}/taken`)).status).toBeLessThan(300);
    const accepted = await net
      .agency(H41.code)
      .post(`/api/v1/inbox/${item.id}/statuses`, { statusCode: '03' });
    expect(accepted.status).toBe(202);

    // A package H41's node must refuse (not edXML): quarantined, on the failures page with its reason.
    const garbageUuid = randomUUID();
    const ch = await broker.createConfirmChannel();
    ch.publish(topology.documentsExchange, H41.code, Buffer.from('<not-edxml/>'), {
      messageId: randomUUID(),
      persistent: true,
      headers: {
        [MESSAGE_HEADERS.kind]: 'edoc',
        [MESSAGE_HEADERS.from]: G22.code,
        [MESSAGE_HEADERS.document]: garbageUuid,
      },
    });
    await ch.waitForConfirms();

    // The one that fails: H57's node stops serving it, the document waits in H57's inbox, and
    // the consumer that takes it gives up on it (reject without requeue): the broker dead-letters it.
    expect((await net.admin('node-shared').delete(`/api/v1/admin/agencies/${H57.code}`)).status).toBe(204);
    const stuck = await send(H57.code);
    const inbox = topology.agencyInbox(H57.code);
    const dlq = topology.agencyDeadLetterQueue(H57.code);
    await waitFor('the document in H57 inbox', async () => ((await depth(inbox)) === 1 ? true : undefined));
    const message = await ch.get(inbox, { noAck: false });
    if (!message) throw new Error('no message in the H57 inbox');
    ch.nack(message, false, false);
    await waitFor('the document in H57 DLQ', async () => ((await depth(dlq)) === 1 ? true : undefined));
    await ch.close();

    // H57 is hosted again (a new enrollment): from now on its queue is consumed.
    const enrollment = await net.operator.post<{ enrollmentToken: string }>(
      `/api/v1/agencies/${H57.code}/enrollments`,
    );
    expect(enrollment.status).toBe(201);
    const hosted = await net.admin('node-shared').post('/api/v1/admin/agencies', {
      code: H57.code,
      enrollmentToken: enrollment.body.enrollmentToken,
    });
    expect(hosted.status).toBe(201);

    // Overview: traffic, both nodes with their heartbeat and mode, the DLQ depth.
    await reloadUntil(
      '/dashboard/overview',
      '#nodes tr:has-text("node-shared")',
      'both nodes on the overview',
    );
    await expect(page.locator('#nodes').textContent()).resolves.toContain('node-vpcp');
    await expect(page.locator('#nodes').textContent()).resolves.toContain('dùng chung');
    await reloadUntil(
      '/dashboard/overview',
      `#queues tr:has-text("${H57.code}") td.bad`,
      'the dead letter counted on the overview',
    );
    expect(Number(await page.locator('#total-sent').textContent())).toBeGreaterThanOrEqual(2);
    await shot('overview');

    // Failures: the quarantined copy with its reason, and the dead letter with its document.
    await reloadUntil(
      '/dashboard/failures',
      `#failed-deliveries tr[data-state="quarantined"]`,
      'the quarantined package on the failures page',
    );
    const row = page.locator(`tr.dead-letter:has(a[href="/dashboard/documents/${stuck.id}"])`);
    await expect(row.count()).resolves.toBe(1);
    await expect(page.locator(`.dlq[data-queue="${dlq}"]`).textContent()).resolves.toContain(G22.code);
    await shot('failures');

    // Re-drive that one message.
    await row.locator('button.redrive-one').click();
    await expect(page.locator('#redriven').textContent()).resolves.toContain('1');
    await waitFor('the DLQ empty', async () => ((await depth(dlq)) === 0 ? true : undefined));

    // The document's timeline shows it arrived at H57 (status 01 back at the sender).
    await reloadUntil(
      `/dashboard/documents/${stuck.id}`,
      `tr.recipient[data-recipient="${H57.code}"][data-state="arrived"]`,
      'the re-driven document arrived',
    );
    await shot('document');

    // The re-drive is in the axis audit log, with who did it.
    const audit = await net.operator.get<unknown>('/api/v1/audit/log');
    expect(JSON.stringify(audit.body)).toContain('delivery.redriven');
    expect(JSON.stringify(audit.body)).toContain('Nguyễn Văn Vận Hành');

    // Documents: search by code/notation finds the accepted one, in state "accepted (03)".
    await page.goto(url('/dashboard/documents'));
    await page.fill('input[name="q"]', ok.documentId.split(',').pop() as string);
    await page.click('#search button[type="submit"]');
    expect(new URL(page.url()).searchParams.get('q')).toBe(ok.documentId.split(',').pop());
    await reloadUntil(
      new URL(page.url()).pathname + new URL(page.url()).search,
      `#documents tr[data-recipient="${H41.code}"][data-state="accepted"]`,
      'the accepted document found by its code/notation',
    );
    await expect(page.locator('#documents tr.delivery').count()).resolves.toBe(1);
    await page.goto(url('/dashboard/documents'));
    await shot('documents');
  });

  it('lists agencies with their certificates and nodes', async () => {
    await page.goto(url('/dashboard/agencies'));
    for (const code of [G22.code, H41.code, H57.code]) {
      await expect(page.locator(`#agencies tr[data-code="${code}"]`).textContent()).resolves.toContain(
        'còn hiệu lực',
      );
    }
    await expect(page.locator(`#agencies tr[data-code="${G22.code}"]`).textContent()).resolves.toContain(
      'dùng riêng',
    );
    await shot('agencies');
  });

  it('makes the Government Office report, as a page, a printable page and CSV, in both languages', async () => {
    await page.goto(url('/dashboard/reports'));
    const summary = await page.locator('#report-summary').textContent();
    expect(summary).toMatch(/Cơ quan đã kết nối\s*3/);
    expect(summary).toMatch(/Dùng máy chủ bảo mật riêng\s*1/);
    expect(summary).toMatch(/Dùng máy chủ bảo mật dùng chung\s*2/);
    // G22 sent three: the accepted one, the re-driven one, and (as its headers claim) the refused package.
    await expect(
      page.locator(`#report-agencies tr[data-code="${G22.code}"] td.num`).first().textContent(),
    ).resolves.toBe('3');
    await shot('reports');

    const csv = await page.context().request.get(url('/dashboard/reports?format=csv'));
    expect(csv.headers()['content-type']).toContain('text/csv');
    const text = await csv.text();
    expect(text).toContain('agencies_connected,3');
    expect(text).toMatch(
      new RegExp(`${G22.code.replace(/\./g, '\\.')},Văn phòng Chính phủ,dedicated,yes,active,3,`),
    );

    await page.goto(url('/dashboard/reports?print=1'));
    await expect(page.locator('header.top').count()).resolves.toBe(0);

    await page.goto(url('/dashboard/overview'));
    await page.click('#lang-switch');
    await expect(page.locator('header.top nav').textContent()).resolves.toContain('Failures');
    await page.click('#lang-switch');
    await expect(page.locator('header.top nav').textContent()).resolves.toContain('Sự cố');
  });

  it('refuses a form without the session CSRF token, and logs out', async () => {
    const forged = await page.context().request.post(url('/dashboard/failures/redrive'), {
      form: { queue: topology.agencyDeadLetterQueue(H57.code), all: '1' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    await page.goto(url('/dashboard/overview'));
    await page.click('header.top button.link');
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.goto(url('/dashboard/failures'));
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
  });
});
