CREATE TABLE "consents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"recipient_organisation_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"fields" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"attested_by" uuid,
	"attested" boolean NOT NULL,
	"explanation" text NOT NULL,
	"receipt_index" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_via" text
);
--> statement-breakpoint
CREATE TABLE "deletion_records" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid,
	"organisation_id" uuid,
	"reason" text NOT NULL,
	"rows" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erasure_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organisation_id" uuid NOT NULL,
	"wrapped_key" text NOT NULL,
	"display_name" text,
	"phone" text,
	"email" text,
	"languages" text,
	"interpreter_needed" text,
	"urgency" text,
	"phone_index" text,
	"email_index" text,
	"code_index" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"last_contact_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_needs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"need" text NOT NULL,
	"progress" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_notes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"author_user_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "person_visits" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"site_id" text,
	"at" timestamp with time zone NOT NULL,
	"recorded_by" uuid
);
--> statement-breakpoint
CREATE TABLE "referral_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"referral_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_user_id" uuid,
	"actor_organisation_id" uuid,
	"from_state" text,
	"to_state" text NOT NULL,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"need_id" uuid,
	"service_id" text NOT NULL,
	"sender_organisation_id" uuid NOT NULL,
	"receiver_organisation_id" uuid NOT NULL,
	"consent_id" uuid,
	"pseudonymous" boolean NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"disclosure_index" text,
	"identity_disclosed_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "service_capacity" (
	"service_id" text PRIMARY KEY NOT NULL,
	"organisation_id" uuid NOT NULL,
	"accepting" boolean NOT NULL,
	"weekly_places" integer,
	"waiting_days" integer,
	"updated_by" uuid,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_recipient_organisation_id_organisations_id_fk" FOREIGN KEY ("recipient_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_attested_by_users_id_fk" FOREIGN KEY ("attested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasure_requests" ADD CONSTRAINT "erasure_requests_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_needs" ADD CONSTRAINT "person_needs_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_notes" ADD CONSTRAINT "person_notes_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_notes" ADD CONSTRAINT "person_notes_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_notes" ADD CONSTRAINT "person_notes_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_visits" ADD CONSTRAINT "person_visits_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_visits" ADD CONSTRAINT "person_visits_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_visits" ADD CONSTRAINT "person_visits_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_referral_id_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_events" ADD CONSTRAINT "referral_events_actor_organisation_id_organisations_id_fk" FOREIGN KEY ("actor_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_need_id_person_needs_id_fk" FOREIGN KEY ("need_id") REFERENCES "public"."person_needs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_sender_organisation_id_organisations_id_fk" FOREIGN KEY ("sender_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_receiver_organisation_id_organisations_id_fk" FOREIGN KEY ("receiver_organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_consent_id_consents_id_fk" FOREIGN KEY ("consent_id") REFERENCES "public"."consents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_capacity" ADD CONSTRAINT "service_capacity_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_capacity" ADD CONSTRAINT "service_capacity_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "consents_receipt_index_idx" ON "consents" USING btree ("receipt_index");--> statement-breakpoint
CREATE INDEX "consents_person_idx" ON "consents" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "consents_recipient_idx" ON "consents" USING btree ("recipient_organisation_id","person_id");--> statement-breakpoint
CREATE INDEX "consents_expires_idx" ON "consents" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "deletion_records_at_idx" ON "deletion_records" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "erasure_requests_person_idx" ON "erasure_requests" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "erasure_requests_due_idx" ON "erasure_requests" USING btree ("due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "people_code_index_idx" ON "people" USING btree ("code_index");--> statement-breakpoint
CREATE INDEX "people_phone_index_idx" ON "people" USING btree ("organisation_id","phone_index");--> statement-breakpoint
CREATE INDEX "people_email_index_idx" ON "people" USING btree ("organisation_id","email_index");--> statement-breakpoint
CREATE INDEX "people_last_contact_idx" ON "people" USING btree ("last_contact_at");--> statement-breakpoint
CREATE INDEX "person_needs_person_idx" ON "person_needs" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_notes_person_idx" ON "person_notes" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_notes_created_idx" ON "person_notes" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "person_visits_person_idx" ON "person_visits" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_visits_at_idx" ON "person_visits" USING btree ("at");--> statement-breakpoint
CREATE INDEX "referral_events_referral_idx" ON "referral_events" USING btree ("referral_id","at");--> statement-breakpoint
CREATE INDEX "referrals_person_idx" ON "referrals" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "referrals_sender_idx" ON "referrals" USING btree ("sender_organisation_id","state");--> statement-breakpoint
CREATE INDEX "referrals_receiver_idx" ON "referrals" USING btree ("receiver_organisation_id","state");--> statement-breakpoint
CREATE INDEX "referrals_closed_idx" ON "referrals" USING btree ("closed_at");