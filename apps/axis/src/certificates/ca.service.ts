import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppError } from '@lienthong/common';
import { APP_CONFIG, AxisConfig } from '../config/axis-config';
import { CaStorageRepository } from './ca-storage.repository';
import { PkiRepository, SigningCa } from './pki.repository';

const CA_COMMON_NAME = 'lienthong Axis Root CA';

/** The network's root CA: made on the first start, then loaded (key decrypted in memory only). */
@Injectable()
export class CaService implements OnModuleInit {
  private readonly logger = new Logger(CaService.name);
  private ca?: SigningCa;
  private trustAnchors: string[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AxisConfig,
    private readonly storage: CaStorageRepository,
    private readonly pki: PkiRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.load();
  }

  async load(): Promise<void> {
    const { dataDir, caPassphrase } = this.config;
    let { keyPem, certPem } = await this.storage.read(dataDir);
    if (keyPem === undefined && certPem === undefined) {
      ({ keyPem, certPem } = this.pki.createRootCa(CA_COMMON_NAME, caPassphrase));
      await this.storage.writeNew(dataDir, { keyPem, certPem });
      this.logger.log(`created a new root CA in ${dataDir}`);
    }
    if (keyPem === undefined || certPem === undefined) {
      // Making a new CA here would orphan every certificate issued so far.
      throw new AppError(
        'internal',
        'CA_INCOMPLETE',
        `${dataDir} holds only half of the CA (key or certificate)`,
      );
    }
    this.ca = this.pki.openCa(keyPem, caPassphrase, certPem);
    const anchors: string[] = [];
    for (const path of this.config.trustAnchorPaths) {
      anchors.push(...this.pki.readCaCertificates(await this.storage.readText(path), path));
    }
    this.trustAnchors = anchors.filter((pem) => pem !== this.ca?.certPem);
  }

  signer(): SigningCa {
    if (!this.ca)
      throw new AppError('unavailable', 'CA_NOT_LOADED', 'The certificate authority is not loaded yet');
    return this.ca;
  }

  caCertificatePem(): string {
    return this.signer().certPem;
  }

  /** What nodes trust: our CA first, then the configured extra anchors. */
  trustBundlePem(): string {
    return [this.caCertificatePem(), ...this.trustAnchors].join('');
  }
}
