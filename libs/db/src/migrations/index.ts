import { InitialSchema1764403200000 } from './1764403200000-initial-schema';
import { IngestSegmentAssembly1764489600000 } from './1764489600000-ingest-segment-assembly';
import { EdgeCaseQueryIndexes1764576000000 } from './1764576000000-edge-case-query-indexes';
import { ScorerCalibration1764662400000 } from './1764662400000-scorer-calibration';
import { PackedActionSamples1764748800000 } from './1764748800000-packed-action-samples';
import { EdgeCaseThumbnails1764835200000 } from './1764835200000-edge-case-thumbnails';
import { EdgeCaseScenarioIndex1764921600000 } from './1764921600000-edge-case-scenario-index';
import { DriveBatchSpan1765008000000 } from './1765008000000-drive-batch-span';
import { EdgeCaseSummary1765094400000 } from './1765094400000-edge-case-summary';

/** Every migration in order. Never edit one that has landed: add a new file and list it here. */
export const MIGRATIONS = [InitialSchema1764403200000, IngestSegmentAssembly1764489600000, EdgeCaseQueryIndexes1764576000000, ScorerCalibration1764662400000, PackedActionSamples1764748800000, EdgeCaseThumbnails1764835200000, EdgeCaseScenarioIndex1764921600000, DriveBatchSpan1765008000000, EdgeCaseSummary1765094400000];
