import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { BrokerPermissions, BrokerRole, BusTopology, brokerPermissions } from '@lienthong/bus';
import { CliError, EXIT } from '../cli-error';
import { readText } from '../files';
import { Output } from '../output';

/** Runs `rabbitmqctl ARGS` (no shell), `stdin` written to its input; rejects with a one-sentence CliError. */
export type Rabbitmqctl = (args: string[], stdin?: string) => Promise<string>;

interface GrantOptions {
  user: string;
  prefix: string;
  node?: boolean;
  axis?: boolean;
  agency?: string[];
  vhost: string;
  passwordFile?: string;
  apply?: boolean;
}

export function brokerCommand(out: Output, rabbitmqctl: Rabbitmqctl = runRabbitmqctl): Command {
  const broker = new Command('broker').description('RabbitMQ credentials: one user per process');

  broker
    .command('grant')
    .description(
      'print (or with --apply run) the rabbitmqctl commands that give one process its own broker user ' +
        'with the least permissions its role needs; run it again to change a shared node’s agencies',
    )
    .requiredOption('--user <name>', 'broker user name of this process, e.g. lt-node-vpcp')
    .requiredOption('--prefix <prefix>', 'bus prefix (BUS_PREFIX of the processes), e.g. axis')
    .option('--node', 'a node: reads only the inboxes of its --agency codes')
    .option('--agency <code...>', "an agency the node serves (repeat or list several); the node's whole list")
    .option('--axis', 'the axis: everything under the prefix')
    .option('--vhost <vhost>', 'RabbitMQ virtual host', '/')
    .option('--password-file <file>', 'take the password from this file instead of generating one')
    .option('--apply', 'run the commands with rabbitmqctl here instead of printing them')
    .action(async (opts: GrantOptions) => grant(opts, out, rabbitmqctl));

  return broker;
}

async function grant(opts: GrantOptions, out: Output, rabbitmqctl: Rabbitmqctl): Promise<void> {
  const role = roleOf(opts);
  checkName(opts.user, 'user name');
  checkName(opts.vhost, 'vhost');
  if (opts.user === 'guest') {
    throw new CliError(
      'Refusing to change the built-in guest user: give each process a user of its own.',
      EXIT.usage,
    );
  }
  let topology: BusTopology;
  try {
    topology = new BusTopology({ prefix: opts.prefix });
  } catch {
    throw new CliError(`Not a usable bus prefix: ${JSON.stringify(opts.prefix)}.`, EXIT.usage);
  }
  let permissions: BrokerPermissions;
  try {
    permissions = brokerPermissions(topology, role);
  } catch (error) {
    throw new CliError(`${capitalize((error as Error).message)}.`, EXIT.usage);
  }
  const filePassword = opts.passwordFile ? readPassword(opts.passwordFile) : undefined;
  const setPermissions = [
    'set_permissions',
    '-p',
    opts.vhost,
    opts.user,
    permissions.configure,
    permissions.write,
    permissions.read,
  ];
  out.info(describe(opts.user, role, topology));

  if (!opts.apply) {
    // With a file, rabbitmqctl reads the password from its input, so it never shows in the command.
    const addUser =
      opts.passwordFile !== undefined
        ? `${shellCommand(['add_user', opts.user])} < ${shellQuote(opts.passwordFile)}`
        : shellCommand(['add_user', opts.user, generatePassword()]);
    out.result(addUser);
    out.result(shellCommand(setPermissions));
    out.info(
      `If ${opts.user} exists already, skip add_user: set_permissions replaces its permissions and keeps its password.`,
    );
    return;
  }

  // Checked first, so that a mistyped vhost does not leave a user behind without permissions.
  if (!(await listNames(rabbitmqctl, 'list_vhosts')).includes(opts.vhost)) {
    throw new CliError(`The vhost "${opts.vhost}" does not exist on this broker.`);
  }
  const exists = (await listNames(rabbitmqctl, 'list_users')).includes(opts.user);
  let password: string | undefined;
  if (!exists) {
    password = filePassword ?? generatePassword();
    await rabbitmqctl(['add_user', opts.user], password);
    out.info(`Created broker user ${opts.user}.`);
  } else if (filePassword !== undefined) {
    await rabbitmqctl(['change_password', opts.user], filePassword);
    out.info(`Broker user ${opts.user} exists; set its password from ${opts.passwordFile}.`);
  } else {
    out.info(`Broker user ${opts.user} exists; its password is unchanged.`);
  }
  try {
    await rabbitmqctl(setPermissions);
  } catch (error) {
    // A new user without its permissions is of no use: take it away again.
    if (!exists) await rabbitmqctl(['delete_user', opts.user]).catch(() => undefined);
    throw error;
  }
  out.info(`Set the permissions of ${opts.user} on vhost ${opts.vhost}: ${JSON.stringify(permissions)}`);
  if (password !== undefined && filePassword === undefined) {
    out.result(`password for ${opts.user} (shown once): ${password}`);
  }
}

function roleOf(opts: GrantOptions): BrokerRole {
  if (opts.node && opts.axis) throw new CliError('Choose one role: --node or --axis, not both.', EXIT.usage);
  if (opts.axis) {
    if (opts.agency?.length) throw new CliError('--agency applies to --node only.', EXIT.usage);
    return { kind: 'axis' };
  }
  if (!opts.node) throw new CliError('Choose a role: --node with --agency CODE..., or --axis.', EXIT.usage);
  if (!opts.agency?.length) throw new CliError('A node needs at least one --agency CODE.', EXIT.usage);
  return { kind: 'node', agencies: opts.agency };
}

function describe(user: string, role: BrokerRole, topology: BusTopology): string {
  if (role.kind === 'axis') return `${user}: the axis, everything under "${topology.prefix}.".`;
  const agencies = [...new Set(role.agencies)].sort().join(', ');
  return (
    `${user}: a node reading the inboxes of ${agencies} only; it publishes documents, trace events and retries, ` +
    'and declares nothing but its own notification queues.'
  );
}

// Names go to rabbitmqctl as arguments: one starting with "-" would be read as an option.
function checkName(value: string, what: string): void {
  if (value.length === 0 || value.length > 255 || value.startsWith('-') || /[\s\p{Cc}]/u.test(value)) {
    throw new CliError(
      `Not a usable ${what}: ${JSON.stringify(value)} (no spaces, not starting with "-").`,
      EXIT.usage,
    );
  }
}

function readPassword(path: string): string {
  const password = readText(path, 'the password file').replace(/\r?\n$/, '');
  if (password.length === 0) throw new CliError(`The password file "${path}" is empty.`, EXIT.usage);
  if (/[\r\n]/.test(password)) {
    throw new CliError(`The password file "${path}" must hold one line.`, EXIT.usage);
  }
  return password;
}

/** 192 random bits; URL-safe, so it goes into AMQP_URL as it is. */
function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/** `name` (vhosts) or `user` (users) of every entry rabbitmqctl lists. */
async function listNames(rabbitmqctl: Rabbitmqctl, command: 'list_users' | 'list_vhosts'): Promise<string[]> {
  const listing = await rabbitmqctl(['-q', command, '--formatter', 'json']);
  const key = command === 'list_users' ? 'user' : 'name';
  try {
    const entries = JSON.parse(listing) as unknown;
    if (!Array.isArray(entries)) throw new Error('not a list');
    return entries.map((e) => String((e as Record<string, unknown>)[key]));
  } catch {
    throw new CliError(`rabbitmqctl ${command} did not answer with the expected JSON.`);
  }
}

function shellCommand(args: string[]): string {
  return ['rabbitmqctl', ...args].map(shellQuote).join(' ');
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The real rabbitmqctl: execFile (no shell), the password through stdin so that it never shows in `ps`. */
export const runRabbitmqctl: Rabbitmqctl = (args, stdin) =>
  new Promise((resolve, reject) => {
    const child = execFile('rabbitmqctl', args, { timeout: 120_000 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        return reject(
          new CliError(
            'rabbitmqctl is not on the PATH: run the printed commands (without --apply) where it is.',
          ),
        );
      }
      reject(
        new CliError(
          `rabbitmqctl ${args.find((a) => !a.startsWith('-'))} failed: ${rabbitmqctlReason(stderr)}`,
        ),
      );
    });
    child.stdin?.on('error', () => undefined); // it may exit before reading
    child.stdin?.end(stdin ?? '');
  });

/** rabbitmqctl says "Error:" then the reason on the next line(s). */
function rabbitmqctlReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const at = lines.findIndex((l) => /^Error( \(.*\))?:/.test(l));
  const reason =
    at === -1
      ? (lines[0] ?? 'no reason given')
      : lines[at].replace(/^Error( \(.*\))?:\s*/, '') || lines[at + 1] || 'no reason given';
  return reason.replace(/[.\s]*$/, '.');
}
