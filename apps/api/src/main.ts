import { runApp } from '@surprisal/platform';
import { ApiModule } from './api.module';

void runApp('api', () => [ApiModule]);
