/**
 * lienthong audit: the append-only log's hash chain, the axis's signed checkpoints, and the
 * evidence bundle. Pure TypeScript (Node's crypto, fflate); no Nest, no database driver.
 */
export * from './actions';
export * from './canonical';
export * from './entry';
export * from './chain';
export * from './checkpoint';
export * from './proof';
export * from './sql';
export * from './bundle-format';
export * from './verify-bundle';
export { appendArrays, appendValues } from './append';
export * from './sql-store';
