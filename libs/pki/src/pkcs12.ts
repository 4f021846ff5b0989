import { createHmac, createPrivateKey, KeyObject, randomBytes } from 'crypto';
import * as forge from 'node-forge';
import { der } from './asn1';
import { parseCertificate } from './certificate';
import { PkiError } from './errors';
import { loadPrivateKey } from './keys';
import { derToPem } from './pem';

const { asn1, pkcs12, pki } = forge;
const MAC_ITERATIONS = 2048;

export interface ExportPkcs12Options {
  /** The private key (PEM, possibly encrypted, or a KeyObject). RSA only. */
  keyPem: string | KeyObject;
  /** Decrypts `keyPem` when it is encrypted. */
  keyPassphrase?: string;
  certPem: string;
  /** CA certificates to include after the agency's own. */
  chainPems?: readonly string[];
  /** Protects the key and the MAC. An empty string is allowed (OpenSSL: `-passin pass:`). */
  password: string;
  friendlyName?: string;
}

export interface ImportedPkcs12 {
  /** Unencrypted PKCS#8 PEM; re-encrypt with `exportPrivateKeyPem` before storing it. */
  keyPem: string;
  certPem: string;
  chainPems: string[];
  friendlyName?: string;
}

/**
 * A PKCS#12 file the way Java keytool, Windows and OpenSSL 3 (without `-legacy`) all read it:
 * key bag encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC, certificates in clear, HMAC-SHA256 MAC.
 */
export function exportPkcs12(options: ExportPkcs12Options): Buffer {
  const key = loadPrivateKey(options.keyPem, options.keyPassphrase);
  const cert = parseCertificate(options.certPem);
  if (!cert.node.checkPrivateKey(key)) {
    throw new PkiError('KEY_CERT_MISMATCH', 'The private key does not belong to the certificate');
  }
  const forgeKey = pki.privateKeyFromPem(key.export({ type: 'pkcs8', format: 'pem' }) as string);
  // forge parses PEM certificates itself and keeps their TBS bytes, so they are written unchanged.
  const chain = [
    cert.pem,
    ...(options.chainPems ?? []).map((pem) => parseCertificate(pem).pem),
  ] as unknown as forge.pki.Certificate[];
  const pfx = pkcs12.toPkcs12Asn1(forgeKey, chain, options.password, {
    algorithm: '3des',
    count: MAC_ITERATIONS,
    useMac: false,
    ...(options.friendlyName !== undefined ? { friendlyName: options.friendlyName } : {}),
  });
  // forge only writes SHA-1 MACs; add PKCS#12 MacData with SHA-256 (RFC 7292 appendix B KDF).
  const authSafe = Buffer.from(
    (((pfx.value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0]
      .value as string,
    'binary',
  );
  const salt = randomBytes(16);
  const macKey = pkcs12.generateKey(
    options.password,
    forge.util.createBuffer(salt.toString('binary')),
    3,
    MAC_ITERATIONS,
    32,
    forge.md.sha256.create(),
  );
  const mac = createHmac('sha256', Buffer.from(macKey.getBytes(), 'binary')).update(authSafe).digest();
  const macData = der.sequence([
    der.sequence([der.algorithmIdentifier(pki.oids.sha256), der.octetString(mac)]),
    der.octetString(salt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(MAC_ITERATIONS).getBytes()),
  ]);
  (pfx.value as forge.asn1.Asn1[]).push(macData);
  return der.toBuffer(pfx);
}

/**
 * Reads a PKCS#12 file (ours, OpenSSL 3's AES/PBES2 default, or 3DES ones from other CAs): the key,
 * the certificate that matches it and the other certificates. RSA keys only (node-forge).
 */
export function importPkcs12(input: Uint8Array, password: string): ImportedPkcs12 {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = openPfx(der.fromBuffer(Buffer.from(input)), password);
  } catch (error) {
    const message = (error as Error).message ?? '';
    if (/MAC could not be verified|Invalid password|decrypt/i.test(message)) {
      throw new PkiError('PKCS12_PASSWORD_WRONG', 'The password does not open this PKCS#12 file', {
        cause: error,
      });
    }
    throw new PkiError('PKCS12_INVALID', `Not a readable PKCS#12 file: ${message}`, { cause: error });
  }
  const keyBags = [
    ...(p12.getBags({ bagType: pki.oids.pkcs8ShroudedKeyBag })[pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: pki.oids.keyBag })[pki.oids.keyBag] ?? []),
  ];
  const keyBag = keyBags.find((bag) => bag.key || bag.asn1);
  if (!keyBag) throw new PkiError('PKCS12_INVALID', 'The PKCS#12 file holds no private key');
  // forge reads RSA keys; any other kind (EC) stays ASN.1 and Node reads it.
  const key = keyBag.key
    ? loadPrivateKey(pki.privateKeyToPem(keyBag.key))
    : createPrivateKey({ key: der.toBuffer(keyBag.asn1!), format: 'der', type: 'pkcs8' });
  const keyPem = key.export({ type: 'pkcs8', format: 'pem' }) as string;
  const certs = (p12.getBags({ bagType: pki.oids.certBag })[pki.oids.certBag] ?? []).flatMap((bag) => {
    const certAsn1 = bag.cert ? pki.certificateToAsn1(bag.cert) : bag.asn1;
    return certAsn1 ? [parseCertificate(der.toBuffer(certAsn1))] : [];
  });
  const own = certs.find((c) => c.node.checkPrivateKey(key));
  if (!own) throw new PkiError('PKCS12_INVALID', 'The PKCS#12 file holds no certificate for its private key');
  const friendlyName = keyBag.attributes?.friendlyName?.[0] as string | undefined;
  return {
    keyPem,
    certPem: own.pem,
    chainPems: certs.filter((c) => c !== own).map((c) => derToPem(c.der, 'CERTIFICATE')),
    ...(friendlyName !== undefined ? { friendlyName } : {}),
  };
}

/**
 * PKCS#12 PBE and the MAC take the password as Unicode (BMPString); PBES2 (OpenSSL 3's default)
 * takes its UTF-8 bytes, while node-forge passes the same string to both. For a non-ASCII password
 * forge checks the MAC first, so a decryption failure after it means PBES2: drop the verified MAC
 * and decrypt again with the UTF-8 form.
 */
function openPfx(pfx: forge.asn1.Asn1, password: string): forge.pkcs12.Pkcs12Pfx {
  try {
    return pkcs12.pkcs12FromAsn1(pfx, true, password);
  } catch (error) {
    // eslint-disable-next-line no-control-regex
    if (/^[\x00-\x7f]*$/.test(password) || !/decrypt/i.test((error as Error).message ?? '')) throw error;
    const withoutMac = der.fromBuffer(der.toBuffer(pfx));
    (withoutMac.value as forge.asn1.Asn1[]).splice(2);
    return pkcs12.pkcs12FromAsn1(withoutMac, true, forge.util.encodeUtf8(password));
  }
}
