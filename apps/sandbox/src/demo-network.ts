/** The sandbox's network: real identifier codes and names from the national code list. */

export interface DemoAgency {
  code: string;
  name: string;
  /** Short label for progress lines. */
  short: string;
}

export interface DemoNode {
  /** The node's name in the directory, and the name of its database. */
  id: string;
  mode: 'dedicated' | 'shared';
  /** Which configured port it listens on. */
  port: 'dedicated' | 'shared';
  agencies: DemoAgency[];
}

export const VPCP: DemoAgency = { code: '000.00.00.G22', name: 'Văn phòng Chính phủ', short: 'VPCP' };
export const NGHE_AN: DemoAgency = { code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An', short: 'Nghệ An' };
export const HUE: DemoAgency = { code: '000.00.00.H57', name: 'UBND tỉnh Thừa Thiên Huế', short: 'Huế' };

export const DEMO_NODES: readonly DemoNode[] = [
  { id: 'node-vpcp', mode: 'dedicated', port: 'dedicated', agencies: [VPCP] },
  { id: 'node-shared', mode: 'shared', port: 'shared', agencies: [NGHE_AN, HUE] },
];

export const DEMO_AGENCIES: readonly DemoAgency[] = DEMO_NODES.flatMap((n) => n.agencies);

export function demoAgency(code: string): DemoAgency {
  const agency = DEMO_AGENCIES.find((a) => a.code === code);
  if (!agency) throw new Error(`${code} is not a demo agency`);
  return agency;
}
