import { DEMO_NODES, NGHE_AN, VPCP } from './demo-network';
import { displayPath, ExampleFiles, getRecipe, sendRecipe } from './recipe';

export interface BannerInput {
  embedded: boolean;
  dataDir: string;
  axisUrl: string;
  operatorToken: string;
  /** Node id → base URL. */
  nodes: Record<string, string>;
  apiKeys: Record<string, string>;
  examples: ExampleFiles;
  cwd: string;
}

/** The few lines a newcomer reads: where things are, the keys, and one command to try. */
export function formatBanner(b: BannerInput): string[] {
  const lines: string[] = [];
  lines.push(
    b.embedded
      ? 'lienthong sandbox: embedded mode (PGlite databases, in-process bus), one process, a demo network'
      : 'lienthong sandbox: on PostgreSQL (DATABASE_URL) and RabbitMQ (AMQP_URL), one process, a demo network',
  );
  lines.push(`  data         ${displayPath(b.dataDir, b.cwd)}   (delete it to start afresh)`);
  lines.push(`  dashboard    ${b.axisUrl}/dashboard   operator token: ${b.operatorToken}`);
  lines.push(`  axis API     ${b.axisUrl}/docs`);
  for (const node of DEMO_NODES) {
    const url = b.nodes[node.id];
    lines.push(`  ${node.id.padEnd(13)}${url}/docs   (${node.mode} node)`);
    for (const agency of node.agencies) {
      lines.push(`    ${agency.code} ${agency.name.padEnd(26)} API key: ${b.apiKeys[agency.code]}`);
    }
  }
  const fromUrl = b.nodes[nodeOf(VPCP.code)];
  const toUrl = b.nodes[nodeOf(NGHE_AN.code)];
  lines.push(`Send a document (JSON + attachment) from ${VPCP.name} to ${NGHE_AN.name}:`);
  lines.push(`  ${sendRecipe(fromUrl, b.apiKeys[VPCP.code], b.examples, b.cwd)}`);
  lines.push(`See it in ${NGHE_AN.name}'s inbox, and the sender's timeline (status 01 = arrived):`);
  lines.push(`  ${getRecipe(`${toUrl}/api/v1/inbox`, b.apiKeys[NGHE_AN.code])}`);
  lines.push(`  ${getRecipe(`${fromUrl}/api/v1/documents/sent`, b.apiKeys[VPCP.code])}`);
  lines.push(
    `A document number is sent once: edit codeNumber in ${displayPath(b.examples.metadata, b.cwd)} to send another.`,
  );
  lines.push('A stream of documents and statuses: npm run demo (in another terminal). Stop: Ctrl-C.');
  return lines;
}

export function nodeOf(code: string): string {
  const node = DEMO_NODES.find((n) => n.agencies.some((a) => a.code === code));
  if (!node) throw new Error(`no demo node hosts ${code}`);
  return node.id;
}
