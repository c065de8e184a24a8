export { type AddressGuard, createAddressGuard } from './address-guard.ts';
export { type Cidr, formatCidr, LOOPBACK_AND_PRIVATE_NETWORKS, parseCidr } from './cidr.ts';
export { nodeHttp } from './node-http.ts';
