import { Command } from 'commander';
import { CliError, EXIT } from '../cli-error';
import { readText } from '../files';
import { Output } from '../output';

/** One call to the node's admin API; injectable for tests. */
export type AdminFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

interface NodeOptions {
  node: string;
  tokenFile?: string;
  json?: boolean;
}

interface ConnectorView {
  systemId: string;
  name: string;
  agencies: string[];
  disabledAt?: string;
  secretSetAt: string;
  createdAt: string;
  secret?: string;
}

/**
 * `lienthong connector create|list|rotate|disable|failures`: the VDXP connectors (systemid + secret of the
 * official VPCP SDK) of a node, through its admin API. The admin token comes from NODE_ADMIN_TOKEN
 * or --token-file, never from the command line (it would stay in the shell history).
 */
export function connectorCommand(out: Output, fetchImpl: AdminFetch = fetch): Command {
  const connector = new Command('connector').description(
    'VDXP connectors of a node: the systemid and secret that agency software using the official VPCP SDK signs with (see docs/vdxp.md)',
  );
  const withNode = (command: Command) =>
    command
      .option(
        '--node <url>',
        'the node’s HTTP address',
        process.env.LIENTHONG_NODE_URL ?? 'http://127.0.0.1:3100',
      )
      .option('--token-file <file>', 'read the admin token from this file (default: $NODE_ADMIN_TOKEN)')
      .option('--json', 'print the node’s JSON answer');

  withNode(
    connector
      .command('create')
      .description('create a connector; its secret is printed once')
      .requiredOption('--system-id <id>', 'the systemid the software is configured with, e.g. vxp.saas.03')
      .requiredOption('--agency <code...>', 'a hosted agency it may act for (repeat or list several)')
      .option('--name <name>', 'a description for operators')
      .option(
        '--secret-file <file>',
        'keep the secret the software already has (read from this file) instead of making one',
      ),
  ).action(
    async (
      opts: NodeOptions & { systemId: string; agency: string[]; name?: string; secretFile?: string },
    ) => {
      const body = {
        systemId: opts.systemId,
        agencies: opts.agency,
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.secretFile ? { secret: readText(opts.secretFile, 'secret file').trim() } : {}),
      };
      const created = await call<ConnectorView>(fetchImpl, opts, 'POST', '/api/v1/admin/connectors', body);
      printWithSecret(out, opts, created);
    },
  );

  withNode(connector.command('list').description('list the connectors (never their secrets)')).action(
    async (opts: NodeOptions) => {
      const list = await call<ConnectorView[]>(fetchImpl, opts, 'GET', '/api/v1/admin/connectors');
      if (opts.json) return out.result(JSON.stringify(list, null, 2));
      if (list.length === 0) return out.info('No connectors.');
      for (const c of list) {
        out.result(
          `${c.systemId}\t${c.disabledAt ? 'disabled' : 'enabled'}\t${c.agencies.join(',')}\t${c.name}`,
        );
      }
    },
  );

  withNode(
    connector
      .command('rotate')
      .description('give a connector a new secret (printed once); the old one stops working at once')
      .argument('<systemId>')
      .option('--secret-file <file>', 'the new secret, from this file, instead of making one'),
  ).action(async (systemId: string, opts: NodeOptions & { secretFile?: string }) => {
    const body = opts.secretFile ? { secret: readText(opts.secretFile, 'secret file').trim() } : {};
    const rotated = await call<ConnectorView>(
      fetchImpl,
      opts,
      'POST',
      `/api/v1/admin/connectors/${encodeURIComponent(systemId)}/rotate`,
      body,
    );
    printWithSecret(out, opts, rotated);
  });

  withNode(connector.command('disable').description('disable a connector').argument('<systemId>')).action(
    async (systemId: string, opts: NodeOptions) => {
      const disabled = await call<ConnectorView>(
        fetchImpl,
        opts,
        'POST',
        `/api/v1/admin/connectors/${encodeURIComponent(systemId)}/disable`,
      );
      if (opts.json) return out.result(JSON.stringify(disabled, null, 2));
      out.result(`${disabled.systemId} disabled at ${disabled.disabledAt ?? ''}`);
    },
  );

  withNode(
    connector
      .command('failures')
      .description('received items the connectors’ software reported with updateStatus fail, newest first')
      .option('--limit <n>', 'at most this many', '100'),
  ).action(async (opts: NodeOptions & { limit: string }) => {
    const failures = await call<
      { documentId: string; agency: string; systemId: string; reason: string; reportedAt: string }[]
    >(fetchImpl, opts, 'GET', `/api/v1/admin/connectors/failures?limit=${encodeURIComponent(opts.limit)}`);
    if (opts.json) return out.result(JSON.stringify(failures, null, 2));
    if (failures.length === 0) return out.info('No failures reported.');
    for (const f of failures)
      out.result(`${f.reportedAt}\t${f.agency}\t${f.documentId}\t${f.systemId}\t${f.reason}`);
  });

  return connector;
}

function printWithSecret(out: Output, opts: NodeOptions, c: ConnectorView): void {
  if (opts.json) return out.result(JSON.stringify(c, null, 2));
  out.result(`systemid=${c.systemId}`);
  out.result(`secret=${c.secret ?? ''}`);
  out.info(`Agencies: ${c.agencies.join(', ')}. The secret is shown this once; the node keeps it encrypted.`);
}

function adminToken(opts: NodeOptions): string {
  const token = opts.tokenFile ? readText(opts.tokenFile, 'token file').trim() : process.env.NODE_ADMIN_TOKEN;
  if (!token) {
    throw new CliError(
      'The node admin token is needed: set NODE_ADMIN_TOKEN or give --token-file.',
      EXIT.usage,
    );
  }
  return token;
}

async function call<T>(
  fetchImpl: AdminFetch,
  opts: NodeOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  let base: URL;
  try {
    base = new URL(opts.node);
  } catch {
    throw new CliError(`Not a URL: ${JSON.stringify(opts.node)}.`, EXIT.usage);
  }
  const url = `${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`;
  let response: { status: number; text(): Promise<string> };
  try {
    response = await fetchImpl(url, {
      method,
      headers: {
        authorization: `Bearer ${adminToken(opts)}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot reach the node at ${base.origin}: ${(error as Error).message}.`);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.status >= 400) {
    const problem = parsed as { code?: string; message?: string } | undefined;
    throw new CliError(
      problem?.message
        ? `The node refused: ${problem.message} [${problem.code ?? response.status}]`
        : `The node answered HTTP ${response.status}.`,
    );
  }
  return parsed as T;
}
