import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@surprisal/auth';
import { API_ROLES, ApiKeyRepository } from '@surprisal/db';
import { CreatedKeyDto, CreateKeyDto, KeyDto, WhoAmIDto } from './dtos/create-key.dto';

@ApiTags('keys')
@ApiBearerAuth()
@Controller('v1')
export class KeysController {
  constructor(@Inject(ApiKeyRepository) private readonly keys: ApiKeyRepository) {}

  @Get('whoami')
  @Roles(...API_ROLES)
  @ApiOkResponse({ type: WhoAmIDto, description: 'The key this request was made with.' })
  whoami(@CurrentPrincipal() principal: Principal): WhoAmIDto {
    return principal;
  }

  @Get('keys')
  @Roles('admin')
  @ApiOkResponse({ type: [KeyDto] })
  async list(): Promise<KeyDto[]> {
    return (await this.keys.list()).map((k) => ({
      id: k.id,
      name: k.name,
      role: k.role,
      prefix: k.keyPrefix,
      createdAt: k.createdAt.toISOString(),
      revokedAt: k.revokedAt?.toISOString() ?? null,
    }));
  }

  @Post('keys')
  @Roles('admin')
  @ApiCreatedResponse({ type: CreatedKeyDto })
  create(@Body() body: CreateKeyDto): Promise<CreatedKeyDto> {
    return this.keys.create(body.name, body.role);
  }

  @Delete('keys/:id')
  @Roles('admin')
  @HttpCode(204)
  async revoke(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) throw new NotFoundException(`No active key ${id}`);
  }
}
