import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, EXIT } from './cli-error';
import { readText, writeOutput } from './files';

export interface RevocationRecord {
  serialNumber: string;
  revokedAt: string;
  reason?: string;
}

interface RevocationState {
  crlNumber: number;
  revoked: RevocationRecord[];
}

/**
 * The file layout of a development CA made by `pki init-ca`: the key and certificate that other
 * tools (openssl, xmlsec1) read directly, plus the revocation list the CRL is made from.
 */
export class CaDirectory {
  constructor(readonly dir: string) {}

  get keyPath(): string {
    return join(this.dir, 'ca.key.pem');
  }

  get certPath(): string {
    return join(this.dir, 'ca.cert.pem');
  }

  private get statePath(): string {
    return join(this.dir, 'revocations.json');
  }

  exists(): boolean {
    return existsSync(this.keyPath) || existsSync(this.certPath);
  }

  save(keyPem: string, certPem: string): void {
    writeOutput(this.keyPath, keyPem, { secret: true });
    writeOutput(this.certPath, certPem);
    this.writeState({ crlNumber: 0, revoked: [] });
  }

  load(): { keyPem: string; certPem: string } {
    if (!existsSync(this.keyPath) || !existsSync(this.certPath)) {
      throw new CliError(
        `No CA in "${this.dir}": expected ca.key.pem and ca.cert.pem (create one with "lienthong pki init-ca --dir ${this.dir}")`,
        EXIT.usage,
      );
    }
    return {
      keyPem: readText(this.keyPath, 'the CA key'),
      certPem: readText(this.certPath, 'the CA certificate'),
    };
  }

  revocations(): RevocationRecord[] {
    return this.readState().revoked;
  }

  /** Records a revocation; returns false when the serial was already revoked. */
  addRevocation(record: RevocationRecord): boolean {
    const state = this.readState();
    if (state.revoked.some((r) => r.serialNumber === record.serialNumber)) return false;
    state.revoked.push(record);
    this.writeState(state);
    return true;
  }

  /** CRL numbers must strictly increase (RFC 5280 §5.2.3), so each CRL takes the next one. */
  nextCrlNumber(): number {
    const state = this.readState();
    state.crlNumber += 1;
    this.writeState(state);
    return state.crlNumber;
  }

  private readState(): RevocationState {
    if (!existsSync(this.statePath)) return { crlNumber: 0, revoked: [] };
    try {
      return JSON.parse(readText(this.statePath, 'the revocation list')) as RevocationState;
    } catch {
      throw new CliError(`The revocation list "${this.statePath}" is not valid JSON`);
    }
  }

  private writeState(state: RevocationState): void {
    writeOutput(this.statePath, JSON.stringify(state, null, 2) + '\n');
  }
}
