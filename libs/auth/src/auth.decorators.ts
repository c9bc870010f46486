import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { type ApiRole } from '@surprisal/db';

export const IS_PUBLIC = 'surprisal:public';
export const ALLOWED_ROLES = 'surprisal:roles';

/** Marks a route (or controller) as reachable without a key. Only /health, /metrics and /docs should carry it. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * The roles that may call a route; `admin` may always. A route with neither @Roles nor @Public is
 * admin-only, so a forgotten decorator fails closed.
 */
export const Roles = (...roles: ApiRole[]): MethodDecorator & ClassDecorator =>
  // The OpenAPI document carries the roles too, so clients and the route-enumerating test can read them.
  applyDecorators(SetMetadata(ALLOWED_ROLES, roles), ApiExtension('x-roles', ['admin', ...roles.filter((r) => r !== 'admin')]));

/** The key that authenticated the request. */
export interface Principal {
  keyId: string;
  name: string;
  role: ApiRole;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
