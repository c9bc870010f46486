// ffmpeg and ffprobe, and what the engine does with video: probe, decode frames, pick the camera.
export * from './ffmpeg';
export * from './probe';
export * from './cameras';
