import { claimSubnetOctet } from '../../support/subnet-claims.js';

/**
 * IPv4 /24 subnets for networks a test creates after `hopscope live` has started: the test must know
 * them in advance to give hopscope a BPF filter (`net …`) that keeps other tests' traffic out (a
 * concurrent wrk burst on another bridge would otherwise cost this capture its zero drops). 10.213.x is
 * outside Docker's default pools; each x is claimed across parallel test processes.
 */
export function ownSubnets(count: number): string[] {
  return Array.from({ length: count }, () => `10.213.${claimSubnetOctet()}.0/24`);
}

/** A BPF filter for traffic from or to any of these networks (IPv4 or IPv6 prefixes). */
export function netFilter(subnets: string[]): string {
  return subnets.map((s) => `${s.includes(':') ? 'ip6 ' : ''}net ${s}`).join(' or ');
}
