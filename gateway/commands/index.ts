// Mutations: Avro commands to Kafka (mutations.graphql, mutation-resolvers.ts).
export { decisionRecord, encodeDecision, encodeProposal, proposalIdFor, proposalRecord } from './command-records.ts';
export { kafkaCommandSink, type CommandMessage, type CommandSink } from './command-sink.ts';
export { commandResolvers, unconfiguredCommandResolvers } from './mutation-resolvers.ts';
export { commandsNotConfigured, proposeAction, type CommandDeps, type CommandOptions, type CommandReceipt } from './propose-action.ts';
export type { ProposeArgs } from './command-input.ts';

/** The mutations' SDL, added to schema.graphql by build-server.ts. */
export const MUTATIONS_SCHEMA_FILE = new URL('./mutations.graphql', import.meta.url);
