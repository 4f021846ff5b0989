import { Command, Option } from 'commander';
import {
  createCrl,
  createRootCa,
  exportPkcs12,
  issueAgencyCertificate,
  readAgencyIdentity,
} from '@lienthong/pki';
import { CaDirectory } from '../ca-directory';
import { CliError, EXIT } from '../cli-error';
import { readText, writeOutput } from '../files';
import { Output } from '../output';

export function pkiCommand(out: Output): Command {
  const pki = new Command('pki').description(
    'development certificate authority: CA, agency certificates, revocation, CRL',
  );

  pki
    .command('init-ca')
    .description('create a root CA: DIR/ca.key.pem and DIR/ca.cert.pem')
    .requiredOption('--dir <dir>', 'directory for the CA files')
    .option('--name <name>', 'common name of the CA', 'lienthong Development Root CA')
    .option('--years <n>', 'validity in years', parsePositiveInt, 10)
    .option('--force', 'overwrite an existing CA in DIR')
    .action((opts: { dir: string; name: string; years: number; force?: boolean }) => {
      const ca = new CaDirectory(opts.dir);
      if (ca.exists() && !opts.force) {
        throw new CliError(`A CA already exists in "${opts.dir}"; use --force to replace it`, EXIT.usage);
      }
      const { keyPem, certPem } = createRootCa({ commonName: opts.name, validityYears: opts.years });
      ca.save(keyPem, certPem);
      out.info(`Created CA "${opts.name}": ${ca.certPath}, ${ca.keyPath}`);
    });

  pki
    .command('issue')
    .description('issue an agency certificate: PREFIX.key.pem, PREFIX.cert.pem, PREFIX.p12')
    .requiredOption('--ca-dir <dir>', 'directory of the issuing CA')
    .requiredOption('--organ <code>', 'agency identifier code, e.g. 000.00.00.G22')
    .requiredOption('--name <name>', 'agency name, e.g. "Văn phòng Chính phủ"')
    .requiredOption('--out <prefix>', 'output path prefix')
    .option('--passphrase <passphrase>', 'encrypt the private key and protect the .p12 with this passphrase')
    .option('--days <n>', 'validity in days', parsePositiveInt, 730)
    .action(
      (opts: {
        caDir: string;
        organ: string;
        name: string;
        out: string;
        passphrase?: string;
        days: number;
      }) => {
        const ca = new CaDirectory(opts.caDir).load();
        const issued = issueAgencyCertificate({
          caKeyPem: ca.keyPem,
          caCertPem: ca.certPem,
          organId: opts.organ,
          name: opts.name,
          validityDays: opts.days,
          passphrase: opts.passphrase,
        });
        writeOutput(`${opts.out}.key.pem`, issued.keyPem, { secret: true });
        writeOutput(`${opts.out}.cert.pem`, issued.certPem);
        const p12 = exportPkcs12({
          keyPem: issued.keyPem,
          keyPassphrase: opts.passphrase,
          certPem: issued.certPem,
          chainPems: [ca.certPem],
          password: opts.passphrase ?? '',
          friendlyName: opts.organ,
        });
        writeOutput(`${opts.out}.p12`, p12, { secret: true });
        out.info(
          `Issued certificate ${issued.serialNumber} for ${opts.organ} (${opts.name}): ${opts.out}.cert.pem`,
        );
        if (!opts.passphrase)
          out.info('The private key and the .p12 are not protected by a passphrase (use --passphrase).');
      },
    );

  pki
    .command('revoke')
    .description('revoke a certificate issued by the CA (takes effect in the next CRL)')
    .requiredOption('--ca-dir <dir>', 'directory of the issuing CA')
    .requiredOption('--cert <file>', 'certificate to revoke (PEM)')
    .addOption(
      new Option('--reason <reason>', 'revocation reason').choices([
        'unspecified',
        'keyCompromise',
        'affiliationChanged',
        'superseded',
        'cessationOfOperation',
      ]),
    )
    .action((opts: { caDir: string; cert: string; reason?: string }) => {
      const caDir = new CaDirectory(opts.caDir);
      const ca = caDir.load();
      const identity = readAgencyIdentity(readText(opts.cert, 'the certificate'));
      const caIdentity = readAgencyIdentity(ca.certPem);
      if (identity.issuer !== caIdentity.subject) {
        throw new CliError(`The certificate was not issued by the CA in "${opts.caDir}"`, EXIT.usage);
      }
      const added = caDir.addRevocation({
        serialNumber: identity.serialNumber,
        revokedAt: new Date().toISOString(),
        reason: opts.reason,
      });
      out.info(
        added
          ? `Revoked certificate ${identity.serialNumber} (${identity.organId ?? identity.subject}); publish a new CRL with "lienthong pki crl"`
          : `Certificate ${identity.serialNumber} was already revoked`,
      );
    });

  pki
    .command('crl')
    .description("write the CA's current certificate revocation list (X.509 CRL, PEM)")
    .requiredOption('--ca-dir <dir>', 'directory of the issuing CA')
    .requiredOption('--out <file>', 'output CRL file')
    .option('--days <n>', 'days until the next update', parsePositiveInt, 7)
    .action((opts: { caDir: string; out: string; days: number }) => {
      const caDir = new CaDirectory(opts.caDir);
      const ca = caDir.load();
      const revoked = caDir.revocations();
      const now = new Date();
      const crlPem = createCrl({
        caKeyPem: ca.keyPem,
        caCertPem: ca.certPem,
        crlNumber: caDir.nextCrlNumber(),
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + opts.days * 86_400_000),
        revoked: revoked.map((r) => ({
          serialNumber: r.serialNumber,
          revokedAt: new Date(r.revokedAt),
          reason: r.reason,
        })),
      });
      writeOutput(opts.out, crlPem);
      out.info(`Wrote CRL with ${revoked.length} revoked certificate(s) to ${opts.out}`);
    });

  return pki;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new CliError(`"${value}" is not a positive whole number`, EXIT.usage);
  return n;
}
