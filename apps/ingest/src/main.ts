import { runApp } from '@surprisal/platform';
import { IngestModule } from './ingest.module';

void runApp('ingest', () => [IngestModule]);
