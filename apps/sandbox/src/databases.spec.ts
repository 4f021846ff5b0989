import { externalDatabaseUrl } from './databases';

describe('externalDatabaseUrl', () => {
  it('gives each process its own database next to the one named', () => {
    expect(externalDatabaseUrl('postgres://u:p@db:5432/lienthong', 'axis')).toBe(
      'postgres://u:p@db:5432/lienthong_axis',
    );
    expect(externalDatabaseUrl('postgres://u@db/lienthong?sslmode=require', 'node-vpcp')).toBe(
      'postgres://u@db/lienthong_node_vpcp?sslmode=require',
    );
  });

  it('defaults the base name to lienthong', () => {
    expect(externalDatabaseUrl('postgres://u@db:5432', 'node-shared')).toBe(
      'postgres://u@db:5432/lienthong_node_shared',
    );
    expect(externalDatabaseUrl('postgresql://u@db:5432/', 'axis')).toBe(
      'postgresql://u@db:5432/lienthong_axis',
    );
  });
});
