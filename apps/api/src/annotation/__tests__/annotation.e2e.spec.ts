import { describeAnnotationApi } from './annotation-api.suite';

describeAnnotationApi('pglite');
