/** The one camera whose frames stand for a vehicle (the encoder's input, the edge cases' thumbnails): 'front' if it has one, else the first by name. */
export function primaryCamera(cameras: readonly string[]): string | undefined {
  return cameras.includes('front') ? 'front' : [...new Set(cameras)].sort()[0];
}
