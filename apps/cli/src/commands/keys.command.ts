import { Command, Option } from 'commander';
import { loadConfig } from '@surprisal/config';
import { API_ROLES, ApiKeyRepository, Database, type ApiRole } from '@surprisal/db';

async function withKeys<T>(work: (keys: ApiKeyRepository) => Promise<T>): Promise<T> {
  const db = await Database.create(loadConfig().db).open();
  try {
    return await work(new ApiKeyRepository(db));
  } finally {
    await db.close();
  }
}

/** `surprisal keys create|list|revoke`: manage API keys directly in the database (DATABASE_URL, or the embedded one). */
export function keysCommand(): Command {
  const keys = new Command('keys').description('Manage API keys (stored hashed; a new key is printed once).');
  keys
    .command('create')
    .description('Create a key and print it (only on stdout, once).')
    .addOption(new Option('--role <role>', 'what the key may do').choices(API_ROLES).makeOptionMandatory())
    .option('--name <name>', 'who or what holds it', 'cli')
    .option('--json', 'print JSON instead of the bare key')
    .action(async (opts: { role: ApiRole; name: string; json?: boolean }) => {
      const created = await withKeys((k) => k.create(opts.name, opts.role));
      process.stdout.write(opts.json ? `${JSON.stringify(created)}\n` : `${created.key}\n`);
      process.stderr.write(`Created ${opts.role} key "${opts.name}" (${created.id}). Send it as: Authorization: Bearer <key>\n`);
    });
  keys
    .command('list')
    .description('List keys (prefixes only, never the secrets).')
    .action(async () => {
      for (const k of await withKeys((repo) => repo.list())) {
        process.stdout.write(`${k.id}  ${k.role.padEnd(9)}  ${k.keyPrefix}…  ${k.name}${k.revokedAt ? `  (revoked ${k.revokedAt.toISOString()})` : ''}\n`);
      }
    });
  keys
    .command('revoke <id>')
    .description('Revoke a key at once.')
    .action(async (id: string) => {
      if (!(await withKeys((k) => k.revoke(id)))) throw new Error(`No active key ${id}`);
      process.stderr.write(`Revoked ${id}\n`);
    });
  return keys;
}
