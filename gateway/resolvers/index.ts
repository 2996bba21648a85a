// All resolvers, by area, merged per type (several areas add fields to Query), plus the scalars.
import type { IResolvers } from 'mercurius';
import { DateTimeScalar, JSONScalar } from '../scalars.ts';
import { auditResolvers } from './audit.ts';
import { linkResolvers } from './links.ts';
import { objectResolvers } from './objects.ts';
import { ontologyResolvers } from './ontology.ts';
import { proposalResolvers } from './proposals.ts';
import { similarityResolvers } from './similarity.ts';
import { toolResolvers } from './tools.ts';

export type ResolverMap = Record<string, Record<string, unknown>>;

/** Merges resolver maps type by type; a field defined twice is a programming error. */
export function mergeResolvers(...maps: ResolverMap[]): ResolverMap {
  const merged: ResolverMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      const target = (merged[type] ??= {});
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in target) throw new Error(`resolver ${type}.${field} is defined twice`);
        target[field] = resolver;
      }
    }
  }
  return merged;
}

/** The gateway's resolvers, plus `extra` ones (an extension's), merged type by type. */
export function gatewayResolvers(extra: ResolverMap = {}): IResolvers {
  return {
    ...mergeResolvers(ontologyResolvers, objectResolvers, linkResolvers, similarityResolvers, toolResolvers, proposalResolvers, auditResolvers, extra),
    JSON: JSONScalar,
    DateTime: DateTimeScalar,
  } as IResolvers;
}
