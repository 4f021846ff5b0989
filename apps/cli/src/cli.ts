import { Command, CommanderError } from 'commander';
import { CliError, EXIT } from './cli-error';
import { auditCommand } from './commands/audit.command';
import { brokerCommand } from './commands/broker.command';
import { connectorCommand } from './commands/connector.command';
import { demoCommand } from './commands/demo.command';
import { edxmlCommand } from './commands/edxml.command';
import { pkiCommand } from './commands/pki.command';
import { verifyCommand } from './commands/verify.command';
import { Output, processOutput } from './output';

export function buildProgram(out: Output, setExitCode: (code: number) => void): Command {
  const program = new Command('lienthong')
    .description(
      'lienthong: PKI chores, edXML packages, offline verification for auditors, broker credentials, and VDXP connectors',
    )
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(pkiCommand(out));
  program.addCommand(edxmlCommand(out));
  program.addCommand(verifyCommand(out, setExitCode));
  program.addCommand(auditCommand(out, setExitCode));
  program.addCommand(demoCommand(out));
  program.addCommand(brokerCommand(out));
  program.addCommand(connectorCommand(out));
  // exitOverride is inherited only by commands added after it, so apply it down the tree.
  const applyOverride = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(applyOverride);
  };
  applyOverride(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 success, 1 invalid input or failed check, 2 usage error. */
export async function runCli(argv: string[], out: Output = processOutput): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(out, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, out);
  }
}

function reportError(error: unknown, out: Output): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (or the help/version text).
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof CliError) {
    out.error(error.message);
    return error.exitCode;
  }
  const err = error as Error & { code?: string };
  // Errors from our libraries carry a stable code and a sentence meant for people.
  if (typeof err.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(err.code)) {
    out.error(`${err.message} [${err.code}]`);
    return EXIT.invalid;
  }
  out.error(`unexpected failure: ${err.message ?? String(error)}`);
  if (process.env.LIENTHONG_DEBUG) out.info(err.stack ?? '');
  return EXIT.invalid;
}
