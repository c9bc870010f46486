import { describeEdgeCasesApi } from './edge-cases-api.suite';

describeEdgeCasesApi('pglite');
