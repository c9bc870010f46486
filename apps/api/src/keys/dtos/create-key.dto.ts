import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { API_ROLES, type ApiRole } from '@surprisal/db';

export class CreateKeyDto {
  @ApiProperty({ example: 'annotator-alice', description: 'Who or what holds the key.' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[\w .@-]+$/, { message: 'name may hold letters, digits, spaces and . @ - _' })
  name!: string;

  @ApiProperty({ enum: API_ROLES })
  @IsIn(API_ROLES)
  role!: ApiRole;
}

export class KeyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: API_ROLES }) role!: ApiRole;
  @ApiProperty({ description: 'First characters of the key, to tell keys apart.' }) prefix!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
}

export class CreatedKeyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: API_ROLES }) role!: ApiRole;
  @ApiProperty({ description: 'The secret. Shown once: store it now.' }) key!: string;
}

export class WhoAmIDto {
  @ApiProperty() keyId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: API_ROLES }) role!: ApiRole;
}
