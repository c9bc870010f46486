import { ForbiddenException, HttpException, HttpStatus, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ENGINE_CONFIG, type EngineConfig } from '@surprisal/config';
import { ApiKeyRepository, type ApiRole } from '@surprisal/db';
import { RateLimiter } from './rate-limiter';
import { ALLOWED_ROLES, IS_PUBLIC, type AuthenticatedRequest, type Principal } from './auth.decorators';

interface Headers {
  headers: Record<string, string | string[] | undefined>;
}

/** Applied to every route of every app: a key is required unless the route is explicitly @Public. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiKeyRepository) private readonly keys: ApiKeyRepository,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {
    this.limiter = new RateLimiter(config.rateLimitPerKey);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = ctx.switchToHttp().getRequest<AuthenticatedRequest & Headers>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) throw new UnauthorizedException('Missing API key: send "Authorization: Bearer <key>"');

    const principal = await this.lookup(match[1]);
    if (!principal) throw new UnauthorizedException('Unknown or revoked API key');

    const allowed = this.reflector.getAllAndOverride<ApiRole[] | undefined>(ALLOWED_ROLES, targets) ?? [];
    if (principal.role !== 'admin' && !allowed.includes(principal.role)) {
      throw new ForbiddenException(`Role "${principal.role}" may not call this route (allowed: ${['admin', ...allowed].join(', ')})`);
    }
    if (!this.limiter.take(principal.keyId)) {
      ctx.switchToHttp().getResponse<{ header(name: string, value: string): unknown }>().header('retry-after', '1');
      throw new HttpException(`Rate limit of ${this.config.rateLimitPerKey} requests/s for this key exceeded; retry after 1 s`, HttpStatus.TOO_MANY_REQUESTS);
    }
    request.principal = principal;
    return true;
  }

  /** The repository caches lookups briefly; a revocation applies at once in the revoking process, within seconds elsewhere. */
  private async lookup(key: string): Promise<Principal | undefined> {
    const found = await this.keys.findActive(key);
    return found ? { keyId: found.id, name: found.name, role: found.role } : undefined;
  }
}
