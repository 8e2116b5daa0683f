// `@pictor/queue/testing`: what the tests of every package need to run against a real Redis.
export { startRedisServer, type RedisServer, type StartRedisOptions } from './redis-server.js';
export { freePort, untilOutput } from './child-process.js';
