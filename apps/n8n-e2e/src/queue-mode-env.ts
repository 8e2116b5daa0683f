import type { PostgresServer } from './postgres-server.js';

export interface QueueModeEnvOptions {
  redis: { port: number };
  postgres: PostgresServer;
  /** The same on the main and on every worker: each decrypts the credentials the other stored. */
  encryptionKey: string;
}

/**
 * What the main and every worker of one n8n 2.41.1 in queue mode share: executions through Redis (Bull's queue
 * `jobs`), one PostgreSQL database, one encryption key. Binary data mode is left to n8n's default, which in queue
 * mode is `database` (n8n-core's BinaryDataConfig): the bytes go to the shared database, not to a local disk.
 */
export function queueModeEnv({ redis, postgres, encryptionKey }: QueueModeEnvOptions): Record<string, string> {
  return {
    EXECUTIONS_MODE: 'queue',
    QUEUE_BULL_REDIS_HOST: '127.0.0.1',
    QUEUE_BULL_REDIS_PORT: String(redis.port),
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: postgres.host,
    DB_POSTGRESDB_PORT: String(postgres.port),
    DB_POSTGRESDB_DATABASE: postgres.database,
    DB_POSTGRESDB_USER: postgres.user,
    // The test server trusts loopback connections; a real one takes DB_POSTGRESDB_PASSWORD.
    DB_POSTGRESDB_PASSWORD: '',
    N8N_ENCRYPTION_KEY: encryptionKey,
  };
}
