import { Command, Option } from 'commander';
import { DirSink } from '../../../fleet-sim/src/outputs/dir.sink';
import { type FleetSink } from '../../../fleet-sim/src/outputs/sink';
import { readComma2k19Segment } from '../../../fleet-sim/src/replay/comma2k19.reader';
import { UDACITY_PRESET, UDACITY_WHERE, parseCsvMapping, readCsvLog } from '../../../fleet-sim/src/replay/csv.reader';
import { readMcap } from '../../../fleet-sim/src/replay/mcap.reader';
import { type Recording, replayRecording } from '../../../fleet-sim/src/replay/recording';
import { videoClip } from '../../../fleet-sim/src/replay/video.reader';
import { openLiveSink } from './live-sink';

interface ImportOptions {
  to: 'dir' | 'kafka' | 'http';
  out?: string;
  url: string;
  key?: string;
  rate: 'realtime' | 'max';
  vehicle?: string;
  drive?: string;
  map?: string;
  where?: string;
  video?: string;
  start?: string;
}

async function openSink(opts: ImportOptions): Promise<{ sink: FleetSink; close: () => Promise<void> }> {
  if (opts.to === 'dir') {
    if (!opts.out) throw new Error('--to dir needs --out <dir>');
    return { sink: new DirSink(opts.out, { source: 'import' }), close: () => Promise.resolve() };
  }
  return openLiveSink(opts.to, opts);
}

/** `surprisal import <format> <path>`: recorded real driving, resampled to 20 Hz in the engine's units, sent like a live vehicle. */
export function importCommand(): Command {
  return new Command('import')
    .alias('replay')
    .description(
      'Replay recorded driving through the same path as the fleet. Formats: comma2k19 <segment dir>, csv <file> (--map), mcap <file> (--map), video <mp4> (a clip only). ' +
        'Units: speed m/s, steering = steering-wheel degrees positive left, yawRate rad/s positive left, accel m/s² (derived from speed when not logged).',
    )
    .argument('<format>', 'comma2k19 | csv | udacity (csv with the HMB preset) | mcap | video')
    .argument('<path>', 'segment folder or file')
    .addOption(new Option('--to <output>', 'where the data goes').choices(['dir', 'kafka', 'http']).default('kafka'))
    .option('--out <dir>', '--to dir: dataset folder')
    .option('--url <url>', '--to http: engine base URL', 'http://127.0.0.1:3000')
    .option('--key <key>', '--to http: an ingest API key (or SURPRISAL_API_KEY)')
    .addOption(new Option('--rate <rate>', 'realtime or max').choices(['realtime', 'max']).default('max'))
    .option('--vehicle <id>', 'vehicle id (default from the recording)')
    .option('--drive <id>', 'drive id (default from the recording)')
    .option('--map <spec>', `csv/mcap column mapping signal=[-]column[:unit],… (udacity: ${UDACITY_PRESET})`)
    .option('--where <column=value>', 'csv: keep only matching rows (udacity: frame_id=center_camera)')
    .option('--video <mp4>', 'also bring in this video as a clip of the drive, starting at the first sample (or --start)')
    .option('--start <iso>', 'video format: the clip start time (default now)')
    .action(async (format: string, path: string, opts: ImportOptions) => {
      let rec: Recording;
      switch (format) {
        case 'comma2k19':
          rec = await readComma2k19Segment(path, { vehicleId: opts.vehicle, driveId: opts.drive });
          break;
        case 'udacity':
        case 'csv': {
          const spec = opts.map ?? (format === 'udacity' ? UDACITY_PRESET : undefined);
          if (!spec) throw new Error('csv needs --map (e.g. t=timestamp:ns,speed=speed:m/s,steering=angle:rad)');
          rec = await readCsvLog(path, parseCsvMapping(spec, opts.where ?? (format === 'udacity' ? UDACITY_WHERE : undefined)), {
            vehicleId: opts.vehicle ?? (format === 'udacity' ? 'udacity-mkz' : 'csv-vehicle'),
            driveId: opts.drive,
          });
          break;
        }
        case 'mcap':
          if (!opts.map) throw new Error('mcap needs --map signal=topic#field.path[:unit],… (speed required)');
          rec = await readMcap(path, opts.map, { vehicleId: opts.vehicle ?? 'mcap-vehicle', driveId: opts.drive });
          break;
        case 'video': {
          const startT = opts.start ? Date.parse(opts.start) : Date.now();
          if (!Number.isFinite(startT)) throw new Error(`--start: not a date (got "${opts.start}")`);
          const vehicleId = opts.vehicle ?? 'dashcam';
          const driveId = opts.drive ?? `${vehicleId}-${startT.toString(36)}`;
          rec = { vehicleId, driveId, samples: [], clips: [await videoClip(path, { vehicleId, driveId, startT })] };
          break;
        }
        default:
          throw new Error(`unknown format "${format}" (comma2k19, csv, udacity, mcap, video)`);
      }
      if (opts.video && format !== 'video' && rec.samples.length > 0) {
        rec.clips.push(await videoClip(opts.video, { vehicleId: rec.vehicleId, driveId: rec.driveId, startT: rec.samples[0].t }));
      }
      const { sink, close } = await openSink(opts);
      try {
        const done = await replayRecording(rec, sink, { rate: opts.rate });
        await sink.close();
        process.stderr.write(`Imported ${rec.samples.length} samples (${done.batches} batches) and ${done.clips} clip(s) as ${rec.vehicleId}/${rec.driveId} to ${opts.to}\n`);
        process.stdout.write(`${JSON.stringify({ vehicleId: rec.vehicleId, driveId: rec.driveId, samples: rec.samples.length, batches: done.batches, clips: done.clips })}\n`);
      } finally {
        await close();
      }
    });
}
