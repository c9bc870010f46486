export * from './topics';
export * from './validators';
export * from './generated/engine.edge-cases.v1';
export * from './generated/engine.models.v1';
export * from './generated/engine.segments.v1';
export * from './generated/fleet.actions.v1';
export * from './generated/fleet.clips.v1';
export * from './generated/fleet.dlq.v1';
