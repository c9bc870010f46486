import { runApp } from '@surprisal/platform';
import { ScorerModule } from './scorer.module';

void runApp('scorer', () => [ScorerModule]);
