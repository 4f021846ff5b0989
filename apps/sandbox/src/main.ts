import { ConfigError } from '@lienthong/common';
import { formatBanner } from './banner';
import { VPCP, NGHE_AN } from './demo-network';
import { findRunningSandbox, parseDemoArgs, runDemo } from './demo-traffic';
import { writeExampleFiles } from './recipe';
import { startSandbox } from './sandbox';
import { loadSandboxConfig, SandboxConfig } from './sandbox-config';

/** The last line of the start-up output: the sandbox answers from now on. */
export const READY_LINE = 'Ready.';

function readConfig(): SandboxConfig {
  try {
    return loadSandboxConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`sandbox: ${problem}\n`);
    process.exit(1);
  }
}

async function run(): Promise<void> {
  const config = readConfig();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const started = Date.now();
  say(
    `lienthong sandbox: starting the axis and the demo nodes (${config.external ? 'PostgreSQL + RabbitMQ' : 'embedded'}; the first run makes the databases and certificates)…`,
  );
  const sandbox = await startSandbox(config, { progress: (line) => say(`  ${line}`) });

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        say('sandbox: stopping at once');
        process.exit(1);
      }
      stopping = true;
      say('sandbox: stopping…');
      sandbox.close().then(
        () => {
          say('sandbox: stopped');
          process.exit(0);
        },
        (error: unknown) => {
          process.stderr.write(`sandbox: stopping failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
    });
  }

  const examples = writeExampleFiles(config.dataDir, VPCP, NGHE_AN);
  for (const line of formatBanner({
    embedded: sandbox.embedded,
    dataDir: sandbox.dataDir,
    axisUrl: sandbox.axisUrl,
    operatorToken: sandbox.state.operatorToken,
    nodes: sandbox.nodes,
    apiKeys: sandbox.state.apiKeys,
    examples,
    cwd: process.cwd(),
  })) {
    say(line);
  }
  say(`${READY_LINE} (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function demo(args: string[]): Promise<void> {
  const config = readConfig();
  const options = parseDemoArgs(args);
  const target = await findRunningSandbox(config.dataDir);
  process.stdout.write(
    `Sending ${options.count} documents with attachments between the demo agencies, answering each with statuses.\n`,
  );
  const summary = await runDemo(target, { ...options, out: process.stdout });
  process.stdout.write(
    `Done: ${summary.documents} documents, ${summary.deliveries} deliveries, every status back at its sender. Dashboard: ${target.running.axisUrl}/dashboard\n`,
  );
}

const [command, ...rest] = process.argv.slice(2);
const task = command === 'demo' ? demo(rest) : command === undefined ? run() : undefined;
if (task === undefined) {
  process.stderr.write(`usage: node dist/apps/sandbox/main.js [demo [--count N] [--interval-ms MS]]\n`);
  process.exit(2);
}
task.catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
