// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'crypto';

// @peculiar/x509 runs on WebCrypto; Node's implementation is OpenSSL underneath.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
