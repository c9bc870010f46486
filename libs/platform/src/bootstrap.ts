import cluster from 'node:cluster';
import { Logger, Module, ValidationPipe, type DynamicModule, type INestApplication, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AuthModule } from '@surprisal/auth';
import { BusModule } from '@surprisal/bus';
import { ConfigError, ConfigModule, loadConfig, type EngineConfig } from '@surprisal/config';
import { DbModule } from '@surprisal/db';
import { StorageModule } from '@surprisal/storage';
import { HealthController } from './health.controller';

/** Large enough for a batch of action samples or a small clip; larger uploads go through presigned URLs. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

@Module({})
class RootModule {}

/** The adapters every app shares, the key guard on every route, /health, and the app's own modules. */
export function rootModule(config: EngineConfig, modules: Type[]): DynamicModule {
  return {
    module: RootModule,
    imports: [ConfigModule.forRoot(config), DbModule, StorageModule, BusModule, AuthModule, ...modules],
    controllers: [HealthController],
  };
}

/** Builds (without listening) an HTTP application: fastify, validation, OpenAPI at /docs and /docs-json. */
export async function createHttpApp(config: EngineConfig, modules: Type[]): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(rootModule(config, modules), new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), {
    logger: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1),
  });
  // Bodies that are not JSON (clip uploads to presigned URLs) reach their route as a stream, unbuffered.
  app
    .getHttpAdapter()
    .getInstance()
    .addContentTypeParser('*', (_req: unknown, payload: unknown, done: (err: Error | null, body?: unknown) => void) => done(null, payload));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Surprisal')
      .setDescription('Edge cases mined from a self-supervised driving model\'s surprise. Every /v1 route needs "Authorization: Bearer <key>".')
      .setVersion('v1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

/**
 * An api-only process can serve from several workers sharing the port (Node's cluster): the API is
 * CPU-bound in JSON and validation, and one event loop uses one core. The primary only supervises:
 * a worker that dies is replaced; SIGTERM is passed on and the primary exits when they all have.
 */
function superviseWorkers(logger: Logger, count: number): void {
  let stopping = false;
  for (let i = 0; i < count; i++) cluster.fork();
  logger.log(`Serving from ${count} API workers`);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.warn(`API worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * Entry point of every app: reads the settings once (a bad setting stops the process naming each
 * problem), then serves HTTP (health, docs, and the routes of the app's modules) until SIGTERM.
 */
export async function runApp(name: string, pickModules: (config: EngineConfig) => Type[]): Promise<INestApplication | undefined> {
  const logger = new Logger(name);
  let config: EngineConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`surprisal ${name}: cannot start.\n${err.message}\n`);
      process.exitCode = 78; // EX_CONFIG
      return undefined;
    }
    throw err;
  }
  if (config.apiWorkers > 1 && cluster.isPrimary) {
    superviseWorkers(logger, config.apiWorkers);
    return undefined;
  }
  const app = await createHttpApp(config, pickModules(config));
  await app.listen(config.port, config.host);
  logger.log(
    `Surprisal ${name} listening on ${config.publicUrl} (roles: ${[...config.roles].join(', ')}; db: ${config.db.kind}, bus: ${config.bus.kind}, storage: ${config.storage.kind})`,
  );
  logger.log(`Health: ${config.publicUrl}/health   API docs: ${config.publicUrl}/docs`);
  // SIGTERM/SIGINT: stop taking work, let consumers finish and commit the batch in hand, close adapters, exit 0.
  const stop = (signal: string) => {
    logger.log(`${signal}: finishing the work in hand, then stopping`);
    app.close().then(
      () => {
        logger.log('Stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error(`Shutdown failed: ${(err as Error).stack ?? String(err)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return app;
}
