/** Compute (Nova) and the host agent tables. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ComputeTables {}
