export { outbox } from './notify.schema.ts';
export {
  createOutboxWorker,
  type EmailMessage,
  enqueueEmail,
  type OutboxWorker,
  RETRY_DELAYS_MS,
} from './notify.service.ts';
