/** Kafka topic names fixed by DESIGN.md's contracts. */
export const TOPICS = {
  fleetActions: 'fleet.actions.v1',
  fleetClips: 'fleet.clips.v1',
  fleetDlq: 'fleet.dlq.v1',
  engineSegments: 'engine.segments.v1',
  engineEdgeCases: 'engine.edge-cases.v1',
  engineModels: 'engine.models.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Partition counts the engine creates its topics with (fleet topics scale with vehicles). */
export const TOPIC_PARTITIONS: Record<TopicName, number> = {
  'fleet.actions.v1': 12,
  'fleet.clips.v1': 12,
  'fleet.dlq.v1': 3,
  'engine.segments.v1': 12,
  'engine.edge-cases.v1': 3,
  'engine.models.v1': 1,
};

/** Every contract topic with its partition count, as `Bus.ensureTopics` takes them. */
export const TOPIC_SPECS: readonly { readonly name: TopicName; readonly partitions: number }[] = Object.freeze(
  (Object.entries(TOPIC_PARTITIONS) as [TopicName, number][]).map(([name, partitions]) => Object.freeze({ name, partitions })),
);
