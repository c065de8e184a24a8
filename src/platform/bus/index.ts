export {
  type Bus,
  defineTopic,
  defineTopicPattern,
  encodeMessage,
  type HandlerErrorReporter,
  isTopicPattern,
  type MessageHandler,
  type Subscription,
  type Topic,
  type TopicPattern,
  warnHandlerError,
} from './bus.ts';
export {
  createHandlerRegistry,
  type HandlerRegistry,
  type Registration,
  type TargetKind,
} from './handler-registry.ts';
export {
  createMemoryBus,
  type MemoryBusOptions,
  type ValidMemoryBusOptions,
  validateMemoryBusOptions,
} from './memory-bus.ts';
export { compileTopicPattern, escapeTopicPattern, type TopicMatcher } from './topic-pattern.ts';
