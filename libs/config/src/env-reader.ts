export type Env = Record<string, string | undefined>;

/** Thrown when settings are missing or malformed; names every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads typed settings from the environment, collecting every problem instead of stopping at the
 * first, so one boot names all of them. Each app's settings loader is a list of these calls and a
 * final `check()`; a bad value falls back to the default only so reading can go on.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value, or undefined when unset or empty. */
  str(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      this.problems.push(`${name}: must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  }

  num(name: string, fallback: number, min: number, max: number): number {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      this.problems.push(`${name}: must be a number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    this.problems.push(`${name}: must be true or false (got "${raw}")`);
    return fallback;
  }

  url(name: string, protocols: string[]): string | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    try {
      if (!protocols.includes(new URL(raw).protocol)) throw new Error('protocol');
      return raw;
    } catch {
      // The value may hold a password: never echo it.
      this.problems.push(`${name}: must be a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL (got a malformed value)`);
      return undefined;
    }
  }

  /** A secret: checked for length, never echoed, not even in an error. */
  secret(name: string, minLength: number): string | undefined {
    const v = this.str(name);
    if (v !== undefined && v.length < minLength) this.problems.push(`${name}: must be at least ${minLength} characters`);
    return v;
  }

  topic(name: string, fallback: string): string {
    const v = this.str(name) ?? fallback;
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(v)) this.problems.push(`${name}: not a valid Kafka topic name (got "${v}")`);
    return v;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws a ConfigError naming every problem found so far. */
  check(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
