// Subscriptions: graphql-ws over Mercurius, fed from the l3.* topics (subscriptions.graphql).
export { connectionAuthenticator, closeAtExpiry } from './connection-auth.ts';
export { FEED_TOPICS, kafkaEventFeed, type EventFeed, type Publisher } from './event-feed.ts';
export { subscriptionResolvers, type SubscriptionDeps } from './subscription-resolvers.ts';

/** The subscriptions' SDL, added to schema.graphql by build-server.ts. */
export const SUBSCRIPTIONS_SCHEMA_FILE = new URL('./subscriptions.graphql', import.meta.url);
