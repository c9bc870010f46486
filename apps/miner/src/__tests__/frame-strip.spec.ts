import { describe, expect, it } from 'vitest';
import { stripFrameIndexes } from '../thumbnails/frame-strip';

describe('stripFrameIndexes', () => {
  const clip = { startT: 10_000, endT: 20_000, fps: 10 };

  it('takes the frames at the middles of four equal parts of the span', () => {
    // [14 s, 18 s] of a clip starting at 10 s: middles at 4.5, 5.5, 6.5, 7.5 s into it.
    expect(stripFrameIndexes(clip, 14_000, 18_000)).toEqual([45, 55, 65, 75]);
  });

  it('keeps to the clip: a span that starts before it or ends after it is cut to it', () => {
    expect(stripFrameIndexes(clip, 2_000, 14_000)).toEqual([5, 15, 25, 35]);
    expect(stripFrameIndexes(clip, 16_000, 40_000)).toEqual([65, 75, 85, 95]);
  });

  it('widens a span shorter than four frames around its middle, so the strip shows four different frames', () => {
    expect(stripFrameIndexes(clip, 15_000, 15_100)).toEqual([49, 50, 51, 52]);
    // …without leaving the clip.
    expect(stripFrameIndexes(clip, 19_990, 20_000)).toEqual([96, 97, 98, 99]);
    expect(stripFrameIndexes(clip, 10_000, 10_010)).toEqual([0, 1, 2, 3]);
  });
});
