import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { Command } from 'commander';
import { lookup } from 'mime-types';
import { buildEdxml, EdxmlPackage, packageFromJson, packageToJson, parseEdxml } from '@lienthong/edxml';
import { signEdxmlPackage } from '@lienthong/pki';
import { CliError, EXIT } from '../cli-error';
import { readInput, readText, writeOutput } from '../files';
import { Output } from '../output';
import { describePackage } from '../package-summary';

export function edxmlCommand(out: Output): Command {
  const edxml = new Command('edxml').description('read, write and sign edXML packages (QCVN 102:2016)');

  edxml
    .command('parse')
    .description('parse a package and print what it holds')
    .argument('<file>', 'edXML package')
    .option('--json', 'print the package as JSON (the shape "edxml build --meta" reads)')
    .action((file: string, opts: { json?: boolean }) => {
      const parsed = parseEdxml(readInput(file, 'the package'));
      if (opts.json) {
        out.result(JSON.stringify(packageToJson(parsed.package), null, 2));
      } else {
        out.result(describePackage(parsed.package, parsed.signature));
      }
      for (const warning of parsed.warnings) out.info(`warning: ${warning.message}`);
    });

  edxml
    .command('build')
    .description('build an unsigned package from JSON metadata and files')
    .requiredOption('--meta <file>', 'package JSON (as printed by "edxml parse --json")')
    .option('--attach <file>', 'attach a file (repeatable)', collect, [] as string[])
    .requiredOption('--out <file>', 'output package')
    .action((opts: { meta: string; attach: string[]; out: string }) => {
      const pkg = readPackageJson(opts.meta);
      if (opts.attach.length > 0) {
        if (pkg.kind !== 'edoc') throw new CliError('A status package cannot carry attachments', EXIT.usage);
        for (const path of opts.attach) {
          pkg.attachments.push({
            contentId: randomUUID(),
            attachmentName: basename(path),
            contentType: lookup(path) || 'application/octet-stream',
            data: readInput(path, 'the attachment'),
          });
        }
      }
      writeOutput(opts.out, buildEdxml(pkg));
      out.info(`Wrote ${pkg.kind === 'edoc' ? 'document' : 'status'} package to ${opts.out}`);
    });

  edxml
    .command('sign')
    .description('sign a package (enveloped XMLDSig, RSA-SHA256, exclusive C14N)')
    .argument('<file>', 'edXML package')
    .requiredOption('--key <file>', 'private key (PKCS#8 PEM)')
    .requiredOption('--cert <file>', 'certificate (PEM) of the agency in From')
    .option('--passphrase <passphrase>', 'passphrase of an encrypted private key')
    .option('--replace', 'replace an existing (for example legacy) signature')
    .option('--no-trace-header', "do not add the signer's trace header (it dates the signature)")
    .requiredOption('--out <file>', 'output signed package')
    .action(
      (
        file: string,
        opts: {
          key: string;
          cert: string;
          passphrase?: string;
          replace?: boolean;
          traceHeader: boolean;
          out: string;
        },
      ) => {
        const signed = signEdxmlPackage(readInput(file, 'the package'), {
          privateKeyPem: readText(opts.key, 'the private key'),
          certificatePem: readText(opts.cert, 'the certificate'),
          passphrase: opts.passphrase,
          replaceExisting: opts.replace,
          stampTraceHeader: opts.traceHeader ? new Date() : undefined,
        });
        writeOutput(opts.out, signed);
        out.info(`Wrote signed package to ${opts.out}`);
      },
    );

  return edxml;
}

function readPackageJson(path: string): EdxmlPackage {
  let json: unknown;
  try {
    json = JSON.parse(readText(path, 'the metadata'));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`"${path}" is not valid JSON: ${(error as Error).message}`, EXIT.usage);
  }
  return packageFromJson(json);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
