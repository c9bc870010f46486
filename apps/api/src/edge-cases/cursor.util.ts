import { BadRequestException } from '@nestjs/common';

/** Keyset position: the sort key and id of the last item of a page. */
export interface Cursor {
  sort: 'time' | 'score';
  key: number;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Opaque to clients. Keyset (not offset) pagination: a page continues strictly after the last
 * (key, id) seen, so items inserted meanwhile never shift the pages — nothing skipped, nothing repeated.
 */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.key, c.id])).toString('base64url');
}

export function decodeCursor(raw: string, sort: Cursor['sort']): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw new BadRequestException('cursor is malformed');
  const [s, key, id] = parsed as unknown[];
  if (s !== sort) throw new BadRequestException(`cursor belongs to sort=${String(s)}, not sort=${sort}`);
  if (typeof key !== 'number' || !Number.isFinite(key) || typeof id !== 'string' || !UUID.test(id)) {
    throw new BadRequestException('cursor is malformed');
  }
  return { sort, key, id };
}
