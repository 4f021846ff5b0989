import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { sha256Hex } from './entry';

export const BUNDLE_FORMAT = 'lienthong.evidence-bundle';

export type BundleFileRole =
  | 'package'
  | 'status'
  | 'trust-anchor'
  | 'crl'
  | 'signer-certificate'
  | 'audit-entries'
  | 'audit-proof'
  | 'checkpoint';

export interface BundleFile {
  path: string;
  role: BundleFileRole;
  sha256: string;
  size: number;
  /** For packages and statuses: the node's uuid, direction, sender, status code. */
  uuid?: string;
  direction?: 'outbound' | 'inbound';
  sender?: string;
  statusCode?: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: 1;
  /** ISO 8601: when the node made the bundle; the CRL in it was in force then. */
  createdAt: string;
  nodeId: string;
  document: {
    id: string;
    documentId: string;
    direction: 'outbound' | 'inbound';
    agency: string;
    sender: string;
    recipients: string[];
    code?: string;
    subject?: string;
  };
  files: BundleFile[];
}

export interface BundlePart {
  path: string;
  role: BundleFileRole;
  bytes: Uint8Array;
  uuid?: string;
  direction?: 'outbound' | 'inbound';
  sender?: string;
  statusCode?: string;
}

/** The ZIP: manifest.json first, then every part; the manifest lists each part's SHA-256. */
export function writeBundle(
  manifest: Omit<BundleManifest, 'files'>,
  parts: readonly BundlePart[],
): Uint8Array {
  const files: BundleFile[] = parts.map(({ bytes, ...rest }) => ({
    ...rest,
    sha256: sha256Hex(bytes),
    size: bytes.length,
  }));
  const full: BundleManifest = { ...manifest, files };
  const entries: Record<string, Uint8Array> = {
    'manifest.json': strToU8(`${JSON.stringify(full, null, 2)}\n`),
  };
  for (const part of parts) entries[part.path] = part.bytes;
  // Fixed times: the same content makes the same ZIP.
  return zipSync(entries, { level: 6, mtime: new Date(manifest.createdAt) });
}

export interface OpenedBundle {
  manifest: BundleManifest;
  files: Map<string, Uint8Array>;
}

/** Throws a TypeError with a sentence when the file is not a bundle. */
export function readBundle(zip: Uint8Array): OpenedBundle {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (error) {
    throw new TypeError(`the file is not a readable ZIP archive (${(error as Error).message})`);
  }
  const manifestBytes = files['manifest.json'];
  if (!manifestBytes) throw new TypeError('the archive has no manifest.json: it is not an evidence bundle');
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(strFromU8(manifestBytes)) as BundleManifest;
  } catch {
    throw new TypeError('manifest.json is not JSON');
  }
  if (manifest?.format !== BUNDLE_FORMAT || manifest.version !== 1 || !Array.isArray(manifest.files)) {
    throw new TypeError('manifest.json does not describe a lienthong evidence bundle (version 1)');
  }
  const map = new Map(Object.entries(files));
  map.delete('manifest.json');
  return { manifest, files: map };
}
