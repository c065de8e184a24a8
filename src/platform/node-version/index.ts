export { formatNodeRange, satisfiesNodeRange } from './node-range.ts';
export { SUPPORTED_NODE, unsupportedNodeMessage } from './supported-node.ts';
