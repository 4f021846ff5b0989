/** Named, so that an axis and a node started in one process (tests, the sandbox) do not share the default name. */
export const AXIS_DATA_SOURCE = 'axis';
