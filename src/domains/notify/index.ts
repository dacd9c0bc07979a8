export { outbox } from './notify.schema.ts';
export {
  createOutboxWorker,
  type EmailMessage,
  emailsInsert,
  enqueueEmail,
  enqueuePrivateEmail,
  type OutboxWorker,
  PRIVATE_RECIPIENT_PREFIX,
  type PrivateEmailMessage,
  type PrivateMessageOpener,
  RETRY_DELAYS_MS,
} from './notify.service.ts';
