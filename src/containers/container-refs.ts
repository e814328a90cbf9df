import type { ContainerRef } from '../model/container.js';

/** Compose's labels, which name a container by project and service. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

/** What an address belongs to: the Docker host (a network's gateway). Every gateway resolves to this. */
export function hostRef(): ContainerRef {
  return { kind: 'host', name: 'host' };
}

export interface ContainerFacts {
  id?: string;
  /** With or without Docker's leading '/'. */
  name: string;
  image?: string;
  network?: string;
  labels?: Record<string, string> | null;
}

/**
 * One ContainerRef per (container, network): the network is part of what the address means. Fields that
 * are unknown are left out rather than set to undefined, so refs serialise and compare cleanly.
 */
export function containerRef(facts: ContainerFacts): ContainerRef {
  const ref: ContainerRef = { kind: 'container', name: facts.name.replace(/^\//, '') };
  if (facts.id) ref.id = facts.id;
  if (facts.image) ref.image = facts.image;
  if (facts.network) ref.network = facts.network;
  const project = facts.labels?.[COMPOSE_PROJECT_LABEL];
  const service = facts.labels?.[COMPOSE_SERVICE_LABEL];
  if (project) ref.composeProject = project;
  if (service) ref.composeService = service;
  return ref;
}

/**
 * Who owns an interval: the same container on the same network is the same owner (re-learning it is a
 * no-op), anything else is a different one. Host refs share one key.
 */
export function ownerKey(ref: ContainerRef): string {
  if (ref.kind !== 'container') return ref.kind === 'host' ? 'host' : `external:${ref.name}`;
  return `${ref.id ?? ref.name}@${ref.network ?? ''}`;
}

/** A ContainerRef from untrusted JSON (a saved ledger), or undefined when it is not one. */
export function refFromJson(value: unknown): ContainerRef | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.kind !== 'container' && v.kind !== 'host' && v.kind !== 'external') return undefined;
  if (typeof v.name !== 'string' || v.name.length === 0) return undefined;
  const ref: ContainerRef = { kind: v.kind, name: v.name };
  for (const field of ['id', 'image', 'network', 'composeProject', 'composeService'] as const) {
    const text = v[field];
    if (typeof text === 'string' && text.length > 0) ref[field] = text;
  }
  return ref;
}
