import { describe, expect, it } from 'vitest';
import { HttpSink } from '../outputs/http.sink';

describe('--to http sink', () => {
  it('posts each batch, then uploads a clip through a presigned URL before announcing it', async () => {
    const calls: { method: string; url: string; auth: string | null; body: unknown }[] = [];
    const fake: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
      const headers = new Headers(init?.headers);
      const raw = init?.body;
      calls.push({ method: init?.method ?? 'GET', url, auth: headers.get('authorization'), body: typeof raw === 'string' ? JSON.parse(raw) : raw });
      if (url.endsWith('/v1/ingest/clips/uploads')) return Promise.resolve(Response.json({ uri: 's3://bucket/clips/v1/d1/c1.mp4', uploadUrl: 'http://store/put?sig=1' }, { status: 201 }));
      return Promise.resolve(new Response(null, { status: url.includes('/v1/ingest') ? 202 : 200 }));
    };
    const sink = new HttpSink('http://engine:3000/', 'key-123', fake);
    const batch = { vehicleId: 'v1', driveId: 'd1', seq: 0, samples: [{ t: 1, speed: 2 }] };
    await sink.actions([batch]);
    await sink.clip({ vehicleId: 'v1', driveId: 'd1', clipId: 'c1', camera: 'front', startT: 0, endT: 10_000, fps: 10 }, Buffer.from('mp4'));
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST http://engine:3000/v1/ingest/actions',
      'POST http://engine:3000/v1/ingest/clips/uploads',
      'PUT http://store/put?sig=1',
      'POST http://engine:3000/v1/ingest/clips',
    ]);
    expect(calls[0]).toMatchObject({ auth: 'Bearer key-123', body: batch });
    expect(calls[1].body).toEqual({ vehicleId: 'v1', driveId: 'd1', clipId: 'c1', camera: 'front', contentType: 'video/mp4' });
    expect(calls[3].body).toMatchObject({ uri: 's3://bucket/clips/v1/d1/c1.mp4', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
  });

  it('fails naming the route and status when the engine refuses', async () => {
    const sink = new HttpSink('http://engine:3000', 'k', () => Promise.resolve(new Response('{"message":"bad"}', { status: 400 })));
    await expect(sink.actions([{ vehicleId: 'v1', driveId: 'd1', seq: 0, samples: [{ t: 1, speed: 2 }] }])).rejects.toThrow(/POST \/v1\/ingest\/actions: HTTP 400/);
  });
});
