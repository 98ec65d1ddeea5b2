export { RedisConnections, describeRedisUrl, type RedisConnectionOptions, type MessageHandler } from './connections';
export { RedisKeys } from './keys';
